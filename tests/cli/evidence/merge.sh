#!/usr/bin/env bash
# evidence merge: parallel jobs' copies become one chain; other subjects and broken inputs refused.
source "$(dirname "$0")/../lib.sh"

digest="sha256:$(printf 'merge' | sha256sum | cut -d' ' -f1)"
other="sha256:$(printf 'other' | sha256sum | cut -d' ' -f1)"
evidence init --evidence "$TMP/base.json" --subject "api@$digest" --release r1 > /dev/null || fail "init"
evidence append --evidence "$TMP/base.json" --step build --decision ALLOW > /dev/null || fail "base append"
# Two parallel jobs start from the same base and append their own decisions.
cp "$TMP/base.json" "$TMP/job-a.json"
cp "$TMP/base.json" "$TMP/job-b.json"
evidence append --evidence "$TMP/job-a.json" --step scan-check --decision ALLOW --now 2026-02-11T09:10:00Z > /dev/null
evidence append --evidence "$TMP/job-b.json" --step slo-manual --decision DENY --now 2026-02-11T09:05:00Z > /dev/null
evidence append --evidence "$TMP/job-b.json" --step license --decision ALLOW --now 2026-02-11T09:20:00Z > /dev/null

run evidence merge --evidence "$TMP/merged.json" "$TMP/job-a.json" "$TMP/job-b.json"
expect_rc 0 "merge"
expect_eq "$out" "$TMP/merged.json: merged 4 records (1 duplicates dropped, 0 re-signed)" "merge line"
expect_eq "$(jq -r '[.records[].step] | join(",")' "$TMP/merged.json")" "slo-manual,scan-check,license,build" \
  "ordered by start time (--now pinned three of them in the past)"
run evidence verify --evidence "$TMP/merged.json"
expect_rc 0 "merged chain intact"
run evidence merge --evidence "$TMP/merged.json" "$TMP/job-a.json" --format json
expect_rc 0 "merge again into the existing output"
expect_eq "$(echo "$out" | jq -c '[.records, .duplicates_dropped]')" "[4,2]" "nothing new, nothing lost"

evidence init --evidence "$TMP/other.json" --subject "api@$other" > /dev/null
run evidence merge --evidence "$TMP/bad.json" "$TMP/job-a.json" "$TMP/other.json"
expect_rc 2 "different subjects"
expect_contains "$err" "evidence: error: $TMP/other.json: subject api@$other differs from api@$digest" "other subject named"
[ -e "$TMP/bad.json" ] && fail "a refused merge wrote its output"

jq '.records[0].decision = "DENY"' "$TMP/job-b.json" > "$TMP/broken.json"
run evidence merge --evidence "$TMP/bad.json" "$TMP/job-a.json" "$TMP/broken.json"
expect_rc 2 "broken input"
expect_contains "$err" "$TMP/broken.json: chain is broken at record 0" "broken input named"
run evidence merge --evidence "$TMP/bad.json"
expect_rc 2 "no inputs"

# Signed copies: a signature covers the record's place, so a record that moves in the merged
# chain is verified and re-signed with the merging key; without one the merge is refused.
if command -v openssl > /dev/null; then
  openssl genpkey -algorithm ed25519 -out "$TMP/ed.key" 2> /dev/null
  openssl pkey -in "$TMP/ed.key" -pubout -out "$TMP/ed.pub"
  export RELGATE_EVIDENCE_KEY="$TMP/ed.key"
  evidence init --evidence "$TMP/sbase.json" --subject "api@$digest" --release r1 > /dev/null || fail "signed init"
  evidence append --evidence "$TMP/sbase.json" --step build --decision ALLOW --now 2026-02-11T08:00:00Z > /dev/null
  cp "$TMP/sbase.json" "$TMP/sa.json"
  cp "$TMP/sbase.json" "$TMP/sb.json"
  evidence append --evidence "$TMP/sa.json" --step scan-check --decision ALLOW --now 2026-02-11T09:10:00Z > /dev/null
  evidence append --evidence "$TMP/sb.json" --step slo-manual --decision DENY --now 2026-02-11T09:05:00Z > /dev/null
  unset RELGATE_EVIDENCE_KEY

  run evidence merge --evidence "$TMP/smerged.json" "$TMP/sa.json" "$TMP/sb.json"
  expect_rc 2 "signed copies without a key"
  expect_contains "$err" "record 2 (scan-check, signed by sha256:" "the moved record is named"
  expect_contains "$err" "set RELGATE_EVIDENCE_KEY (or --signing-key)" "what to do"
  [ -e "$TMP/smerged.json" ] && fail "a refused merge wrote its output"

  run evidence merge --evidence "$TMP/smerged.json" "$TMP/sa.json" "$TMP/sb.json" --signing-key "$TMP/ed.key"
  expect_rc 0 "signed copies with the key"
  expect_eq "$out" "$TMP/smerged.json: merged 3 records (1 duplicates dropped, 1 re-signed)" "re-signed count"
  run evidence verify --evidence "$TMP/smerged.json" --key "$TMP/ed.pub"
  expect_rc 0 "merged signed chain verifies with --key"
  expect_eq "$(jq -r '[.records[].step] | join(",")' "$TMP/smerged.json")" "build,slo-manual,scan-check" "signed order"
  run env RELGATE_EVIDENCE_KEY="$TMP/ed.key" evidence merge --evidence "$TMP/smerged2.json" "$TMP/sa.json" \
    "$TMP/sb.json" --format json
  expect_rc 0 "RELGATE_EVIDENCE_KEY signs a merge too"
  expect_eq "$(jq -c '[.records, .resigned]' <<< "$out")" "[3,1]" "json re-signed count"

  # A forged record (decision flipped, chain rebuilt) must not be laundered by the re-signing.
  python3 - "$TMP/sa.json" "$TMP/sa-forged.json" << 'PY' || fail "forging script"
import hashlib, json, sys
doc = json.load(open(sys.argv[1]))
doc["records"][-1]["reasons"] = ["forged"]
def canon(v): return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
prev = "sha256:" + hashlib.sha256(canon({k: doc[k] for k in ("schema", "subject", "release")}).encode()).hexdigest()
for r in doc["records"]:
    r["prev"] = prev
    body = {k: v for k, v in r.items() if k != "hash"}
    r["hash"] = prev = "sha256:" + hashlib.sha256(canon(body).encode()).hexdigest()
json.dump(doc, open(sys.argv[2], "w"), indent=2)
PY
  run evidence merge --evidence "$TMP/forged-out.json" "$TMP/sa-forged.json" "$TMP/sb.json" --signing-key "$TMP/ed.key"
  expect_rc 2 "forged signed record"
  expect_contains "$err" "signature does not verify" "forgery detected"
  expect_contains "$err" "refusing to re-sign a forged or edited record" "not re-signed"
  [ -e "$TMP/forged-out.json" ] && fail "a forged merge wrote its output"

  # A record signed by another key is verified with --key before it is re-signed.
  openssl genpkey -algorithm ed25519 -out "$TMP/job.key" 2> /dev/null
  openssl pkey -in "$TMP/job.key" -pubout -out "$TMP/job.pub"
  cp "$TMP/sbase.json" "$TMP/sc.json"
  evidence append --evidence "$TMP/sc.json" --step other-check --decision ALLOW --now 2026-02-11T09:30:00Z \
    --signing-key "$TMP/job.key" > /dev/null
  run evidence merge --evidence "$TMP/m3.json" "$TMP/sa.json" "$TMP/sb.json" "$TMP/sc.json" --signing-key "$TMP/ed.key"
  expect_rc 2 "a moved record signed by an unknown key"
  expect_contains "$err" "signed by a key merge cannot check (pass its public key with --key)" "unknown key"
  run evidence merge --evidence "$TMP/m3.json" "$TMP/sa.json" "$TMP/sb.json" "$TMP/sc.json" --signing-key "$TMP/ed.key" \
    --key "$TMP/job.pub"
  expect_rc 0 "with --key"
  run evidence verify --evidence "$TMP/m3.json" --key "$TMP/ed.pub" --key "$TMP/job.pub"
  expect_rc 0 "three-way signed merge verifies"
  # With --key, merge takes signed records only: an unsigned (or forged) record from another job's
  # artifact is refused at the merge, not later by promote.
  cp "$TMP/sbase.json" "$TMP/sd.json"
  evidence append --evidence "$TMP/sd.json" --step manual-check --decision ALLOW --now 2026-02-11T09:40:00Z > /dev/null
  run evidence merge --evidence "$TMP/m4.json" "$TMP/sa.json" "$TMP/sd.json" --signing-key "$TMP/ed.key" --key "$TMP/job.pub"
  expect_rc 2 "an unsigned record with --key"
  expect_contains "$err" "(manual-check) is unsigned, and --key asks for signed records only" "unsigned named"
  [ -e "$TMP/m4.json" ] && fail "a refused merge wrote its output"
  cp "$TMP/sbase.json" "$TMP/se.json"
  evidence append --evidence "$TMP/se.json" --step other-check --decision ALLOW --now 2026-02-11T09:30:00Z \
    --signing-key "$TMP/job.key" > /dev/null
  run evidence merge --evidence "$TMP/m5.json" "$TMP/se.json" --key "$TMP/ed.pub"
  expect_rc 2 "a record signed by a key outside --key"
  expect_contains "$err" "which is not one of the trusted keys (--key)" "untrusted signer named"
fi
finish
