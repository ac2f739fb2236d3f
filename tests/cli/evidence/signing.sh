#!/usr/bin/env bash
# Signed evidence: RELGATE_EVIDENCE_KEY signs each record; verify --key checks who wrote them.
source "$(dirname "$0")/../lib.sh"
command -v openssl > /dev/null || skip "openssl not installed"

digest="sha256:$(printf 'signing' | sha256sum | cut -d' ' -f1)"
openssl genpkey -algorithm ed25519 -out "$TMP/ed.key" 2> /dev/null
openssl pkey -in "$TMP/ed.key" -pubout -out "$TMP/ed.pub"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TMP/p256.key" 2> /dev/null
openssl pkey -in "$TMP/p256.key" -pubout -out "$TMP/p256.pub"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TMP/rsa.key" 2> /dev/null
ev="$TMP/e.json"
evidence init --evidence "$ev" --subject "api@$digest" > /dev/null

run env RELGATE_EVIDENCE_KEY="$TMP/ed.key" evidence append --evidence "$ev" --step a --decision ALLOW
expect_rc 0 "signed with ed25519"
expect_contains "$out" ", signed)" "append says signed"
run evidence append --evidence "$ev" --step b --decision ALLOW --signing-key "$TMP/p256.key"
expect_rc 0 "signed with p256"
expect_eq "$(jq -r '[.records[].signature.algorithm] | join(",")' "$ev")" "ed25519,ecdsa-p256-sha256" "algorithms"

run evidence verify --evidence "$ev" --key "$TMP/ed.pub" --key "$TMP/p256.pub"
expect_rc 0 "both keys trusted"
expect_contains "$out" "2 records, 2 signed, every signature verified by a trusted key" "verify line"
run evidence verify --evidence "$ev" --key "$TMP/ed.pub"
expect_rc 1 "p256 key not trusted"
expect_contains "$out" "chain BROKEN at record 1: signed by key sha256:" "untrusted key named"
run evidence verify --evidence "$ev"
expect_rc 0 "without keys: integrity only"

run env RELGATE_EVIDENCE_KEY="$TMP/rsa.key" evidence append --evidence "$ev" --step c --decision ALLOW
expect_rc 2 "RSA refused"
expect_contains "$err" "key type is not supported for evidence signing (use Ed25519 or ECDSA P-256)" "RSA message"
run env RELGATE_EVIDENCE_KEY="$TMP/nope.key" evidence append --evidence "$ev" --step c --decision ALLOW
expect_rc 2 "missing key"
expect_contains "$err" "evidence: error: RELGATE_EVIDENCE_KEY: $TMP/nope.key: cannot read" "missing key named"
run evidence verify --evidence "$ev" --key "$TMP/ed.key"
expect_rc 2 "a private key given as trusted key"
expect_eq "$(jq '.records | length' "$ev")" "2" "refused appends wrote nothing"

# An unsigned record among signed ones fails verification with keys.
evidence append --evidence "$ev" --step manual --decision ALLOW > /dev/null
run evidence verify --evidence "$ev" --key "$TMP/ed.pub" --key "$TMP/p256.pub"
expect_rc 1 "unsigned record"
expect_contains "$out" "record 2: not signed" "unsigned record named"

# A forger who rebuilds the chain after editing a signed record is caught by the signature.
python3 - "$ev" "$TMP/forged.json" <<'PY' || fail "forging script"
import hashlib, json, sys
doc = json.load(open(sys.argv[1]))
doc["records"] = doc["records"][:2]
doc["records"][0]["decision"] = "DENY"
def canon(v): return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
head = {k: doc[k] for k in ("schema", "subject", "release")}
prev = "sha256:" + hashlib.sha256(canon(head).encode()).hexdigest()
for r in doc["records"]:
    r["prev"] = prev
    body = {k: v for k, v in r.items() if k != "hash"}
    r["hash"] = prev = "sha256:" + hashlib.sha256(canon(body).encode()).hexdigest()
json.dump(doc, open(sys.argv[2], "w"), indent=2)
PY
run evidence verify --evidence "$TMP/forged.json"
expect_rc 0 "rebuilt chain passes integrity (unsigned evidence proves integrity, not origin)"
run evidence verify --evidence "$TMP/forged.json" --key "$TMP/ed.pub" --key "$TMP/p256.pub"
expect_rc 1 "signature catches the forgery"
expect_contains "$out" "record 0: signature by sha256:" "forged record named"
finish
