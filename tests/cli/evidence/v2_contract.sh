#!/usr/bin/env bash
# The relgate.evidence/v2 contract at the command line: a signature covers the record's place in
# the chain (so the subject), v1 files are refused, --expect-head sees a cut-off head, relgate's
# own step names are reserved, key files are used whole, and the clock is pinned only by --now.
# Every forgery below rebuilds prev/hash exactly as relgate does, so only a signature can see it.
source "$(dirname "$0")/../lib.sh"
command -v openssl > /dev/null || skip "openssl not installed"
command -v python3 > /dev/null || skip "python3 not installed"

digest="sha256:$(printf 'v2 release' | sha256sum | cut -d' ' -f1)"
other="sha256:$(printf 'never cleared' | sha256sum | cut -d' ' -f1)"
now=2026-02-11T09:00:00Z
openssl genpkey -algorithm ed25519 -out "$TMP/ed.key" 2> /dev/null
openssl pkey -in "$TMP/ed.key" -pubout -out "$TMP/ed.pub"
openssl genpkey -algorithm ed25519 -out "$TMP/second.key" 2> /dev/null
openssl pkey -in "$TMP/second.key" -pubout -out "$TMP/second.pub"

# forge.py IN OUT OP...: edits the file, then relinks prev/hash like relgate (canonical JSON =
# sorted keys, compact, UTF-8); signatures are left as they were.
cat > "$TMP/forge.py" <<'PY'
import hashlib, json, sys
src, dst, ops = sys.argv[1], sys.argv[2], sys.argv[3:]
doc = json.load(open(src))
def canon(v): return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
while ops:
    op = ops.pop(0)
    if op == "digest": doc["subject"]["digest"] = ops.pop(0)
    elif op == "name": doc["subject"]["name"] = ops.pop(0)
    elif op == "swap":
        i, j = int(ops.pop(0)), int(ops.pop(0))
        doc["records"][i], doc["records"][j] = doc["records"][j], doc["records"][i]
    elif op == "drop": del doc["records"][int(ops.pop(0))]
    elif op == "copy-from":
        donor = json.load(open(ops.pop(0)))
        doc["records"].append(donor["records"][int(ops.pop(0))])
    elif op == "schema": doc["schema"] = ops.pop(0)
    else: sys.exit("unknown op " + op)
prev = "sha256:" + hashlib.sha256(canon({k: doc[k] for k in ("schema", "subject", "release")}).encode()).hexdigest()
for r in doc["records"]:
    r["prev"] = prev
    body = {k: v for k, v in r.items() if k != "hash"}
    r["hash"] = prev = "sha256:" + hashlib.sha256(canon(body).encode()).hexdigest()
json.dump(doc, open(dst, "w"), indent=2)
PY
forge() { python3 "$TMP/forge.py" "$@" || fail "forge $*"; }

# A fully signed release: a manual scan ALLOW, then a DENY.
ev="$TMP/e.json"
evidence init --evidence "$ev" --subject "ghcr.io/acme/api@$digest" --release r1 --now "$now" > /dev/null || fail "init"
for decision in ALLOW DENY; do
  evidence append --evidence "$ev" --step manual-check --decision "$decision" --reason "$decision" \
    --signing-key "$TMP/ed.key" --now "$now" > /dev/null || fail "append $decision"
done
run evidence verify --evidence "$ev" --key "$TMP/ed.pub"
expect_rc 0 "pristine signed file"
expect_eq "$(jq -r .schema "$ev")" "relgate.evidence/v2" "schema is v2"

# 1a: the subject rewritten under signed records, chain rebuilt.
forge "$ev" "$TMP/1a.json" digest "$other"
run evidence verify --evidence "$TMP/1a.json"
expect_rc 0 "1a: the rebuilt chain passes integrity (unsigned evidence proves nothing about who wrote it)"
run evidence verify --evidence "$TMP/1a.json" --key "$TMP/ed.pub"
expect_rc 1 "1a: subject digest rewritten"
expect_contains "$out" "chain BROKEN at record 0: signature by sha256:" "1a: record 0 named"
expect_contains "$out" "its place in the chain or the subject was changed after signing" "1a: why"
forge "$ev" "$TMP/1a-name.json" name ghcr.io/evil/api
run evidence verify --evidence "$TMP/1a-name.json" --key "$TMP/ed.pub"
expect_rc 1 "1a: subject name rewritten"

# 1b: a signed ALLOW copied from another release's file (same key, same pipeline).
evidence init --evidence "$TMP/donor.json" --subject "ghcr.io/acme/api@$other" --now "$now" > /dev/null
evidence append --evidence "$TMP/donor.json" --step manual-check --decision ALLOW --signing-key "$TMP/ed.key" \
  --now "$now" > /dev/null || fail "donor append"
forge "$ev" "$TMP/1b.json" drop 1 copy-from "$TMP/donor.json" 0
run evidence verify --evidence "$TMP/1b.json" --key "$TMP/ed.pub"
expect_rc 1 "1b: record copied from another release"
expect_contains "$out" "chain BROKEN at record 1: signature by" "1b: the copied record named"

# 1c: two signed records reordered (the DENY moved before the ALLOW), chain rebuilt.
forge "$ev" "$TMP/1c.json" swap 0 1
run evidence verify --evidence "$TMP/1c.json" --key "$TMP/ed.pub"
expect_rc 1 "1c: signed records reordered"
expect_contains "$out" "chain BROKEN at record 0: signature by" "1c: first moved record named"

# v1 files are refused with what to do, never migrated.
forge "$ev" "$TMP/v1.json" schema relgate.evidence/v1
for sub in verify show; do
  run evidence "$sub" --evidence "$TMP/v1.json"
  expect_rc 2 "v1 file: $sub"
  expect_contains "$err" "schema relgate.evidence/v1 was written by relgate 0.1, whose signatures do not cover the subject" \
    "v1 file: $sub says why"
  expect_contains "$err" "Start a new evidence file for the release" "v1 file: $sub says what to do"
done
run evidence append --evidence "$TMP/v1.json" --step manual-check --decision ALLOW --now "$now"
expect_rc 2 "v1 file: append"

# 2: anchors. append prints the head; verify --expect-head sees it cut off.
run evidence append --evidence "$ev" --step manual-check --decision ALLOW --signing-key "$TMP/ed.key" \
  --now 2026-02-11T09:05:00Z --format json
expect_rc 0 "append json"
head=$(jq -r .head <<< "$out")
[[ "$head" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "append json head is a record id: '$head'"
expect_eq "$(evidence verify --evidence "$ev" --format json | jq -r .head)" "$head" "verify reports the same head"
run evidence verify --evidence "$ev" --key "$TMP/ed.pub" --expect-head "$head"
expect_rc 0 "expected head present"
expect_contains "$out" "expected heads present" "verify says the anchor held"
jq '.records |= .[:-1]' "$ev" > "$TMP/truncated.json"
run evidence verify --evidence "$TMP/truncated.json" --key "$TMP/ed.pub"
expect_rc 0 "a clean cut leaves an intact, signed chain (the residual risk without an anchor)"
run evidence verify --evidence "$TMP/truncated.json" --key "$TMP/ed.pub" --expect-head "$head"
expect_rc 1 "truncated newest record with --expect-head"
expect_contains "$out" "evidence head $head is not in the evidence (2 records)" "truncation named"
run evidence verify --evidence "$TMP/truncated.json" --expect-head "$head" --format json
expect_rc 1 "truncated, json"
expect_eq "$(jq -r .intact <<< "$out")" "false" "json intact false"
for bad in "" "sha256:abc" "${head^^}" "$head "; do
  run evidence verify --evidence "$ev" --expect-head "$bad"
  expect_rc 2 "malformed --expect-head '$bad'"
  expect_contains "$err" "expected a record id sha256:<64 hex>" "malformed --expect-head named"
done

# The head a step publishes ($GITHUB_OUTPUT evidence-head) is the file's head.
if [ -x "$RELGATE_BIN_DIR/scan-gate" ]; then
  printf '{"SchemaVersion":2,"ArtifactName":"x","Results":[]}' > "$TMP/trivy.json"
  : > "$TMP/gh-output"
  run env GITHUB_ACTIONS=true GITHUB_OUTPUT="$TMP/gh-output" scan-gate --report "$TMP/trivy.json" \
    --evidence "$ev" --now 2026-02-11T09:10:00Z --format json
  published=$(sed -n 's/^evidence-head=//p' "$TMP/gh-output")
  [ -n "$published" ] || { fail "scan-gate published no evidence-head"; cat "$TMP/gh-output"; }
  expect_eq "$published" "$(evidence verify --evidence "$ev" --format json | jq -r .head)" "step head = file head"
  expect_eq "$(jq -r '.records[-1].step' "$ev")" "scan-gate" "the step appended its record"
fi

# 3: relgate's own step names are reserved for the steps.
for step in scan-gate verify-signature slo-check promote rollback evidence audit; do
  run evidence append --evidence "$ev" --step "$step" --decision ALLOW --now "$now"
  expect_rc 2 "append --step $step"
  expect_contains "$err" "--step: '$step' is reserved for relgate's own step" "$step reserved"
done
run evidence append --evidence "$ev" --step manual-check --decision ALLOW --now "$now"
expect_rc 0 "manual-check works"

# 11: a key file with two PEM public keys uses both; junk beside a key refuses the file.
cat "$TMP/ed.pub" "$TMP/second.pub" > "$TMP/both.pub"
evidence init --evidence "$TMP/two.json" --subject "api@$digest" --now "$now" > /dev/null
evidence append --evidence "$TMP/two.json" --step manual-check --decision ALLOW --signing-key "$TMP/second.key" \
  --now "$now" > /dev/null || fail "append with the second key"
run evidence verify --evidence "$TMP/two.json" --key "$TMP/both.pub"
expect_rc 0 "a record signed by the 2nd key of a two-key file verifies"
{ cat "$TMP/ed.pub"; echo "not a key"; } > "$TMP/junk.pub"
run evidence verify --evidence "$TMP/two.json" --key "$TMP/junk.pub"
expect_rc 2 "key file with junk"
expect_contains "$err" "$TMP/junk.pub: text after the last PEM block" "junk key file named"
cat "$TMP/ed.pub" "$TMP/ed.key" > "$TMP/with-private.pub"
run evidence verify --evidence "$TMP/two.json" --key "$TMP/with-private.pub"
expect_rc 2 "key file with a private key"
expect_contains "$err" "not a public key" "private key in a trusted key file named"

# 11: --now is recorded; RELGATE_NOW is refused by every subcommand.
expect_eq "$(jq -r '.records[0].pinned_clock' "$TMP/two.json")" "true" "--now recorded as pinned_clock"
expect_eq "$(jq -r '.records[0].started_at' "$TMP/two.json")" "$now" "--now sets started_at"
evidence append --evidence "$TMP/two.json" --step manual-check --decision ALLOW > /dev/null || fail "unpinned append"
expect_eq "$(jq -r '.records[1] | has("pinned_clock")' "$TMP/two.json")" "false" "system clock: no pinned_clock"
run evidence append --evidence "$TMP/two.json" --step manual-check --decision ALLOW --now yesterday
expect_rc 2 "bad --now"
expect_contains "$err" "--now: 'yesterday' is not an RFC 3339 time" "bad --now named"
cp "$TMP/two.json" "$TMP/two.before"
for sub in "init --evidence $TMP/n.json --subject api@$digest" "append --evidence $TMP/two.json --step x --decision ALLOW" \
  "verify --evidence $TMP/two.json" "show --evidence $TMP/two.json" "merge --evidence $TMP/m.json $TMP/two.json"; do
  # shellcheck disable=SC2086 # plain words
  run env RELGATE_NOW=2030-01-01T00:00:00Z evidence $sub
  expect_rc 2 "RELGATE_NOW set: evidence ${sub%% *}"
  expect_contains "$err" "RELGATE_NOW is set, but relgate no longer reads the clock from the environment" \
    "RELGATE_NOW refused: ${sub%% *}"
done
cmp -s "$TMP/two.json" "$TMP/two.before" || fail "RELGATE_NOW runs changed the evidence"
[ -e "$TMP/n.json" ] || [ -e "$TMP/m.json" ] && fail "RELGATE_NOW runs wrote a file"

# 4: subjects follow the OCI grammar, sha256 only.
for subject in "ghcr.io/Acme/api@$digest" "ghcr.io/acme/api:1.2" "ghcr.io/acme/api:1.2@$digest" \
  "ghcr.io/acme/api@sha512:$(printf x | sha512sum | cut -d' ' -f1)" \
  "ghcr.io/acme/api@sha384:$(printf x | sha384sum | cut -d' ' -f1)" "sha512:$(printf x | sha512sum | cut -d' ' -f1)" \
  "acme/my api@$digest" "acme/\"api\"@$digest" $'evil"\nnewName: x@'"$digest"; do
  run evidence init --evidence "$TMP/s.json" --subject "$subject"
  expect_rc 2 "subject refused: $subject"
  run evidence append --evidence "$TMP/s.json" --subject "$subject" --step manual-check --decision ALLOW
  expect_rc 2 "append --subject refused: $subject"
done
[ -e "$TMP/s.json" ] && fail "a refused subject wrote a file"
for subject in "localhost:5000/acme/api@$digest" "[::1]:5000/a__b/c--d/e.f@$digest" "$digest"; do
  run evidence init --evidence "$TMP/ok-$RANDOM.json" --subject "$subject"
  expect_rc 0 "subject accepted: $subject"
done
# A hand-edited header with an injected name is refused when the file is read.
jq '.subject.name = "evil\"\nnewName: x"' "$ev" > "$TMP/injected.json"
run evidence verify --evidence "$TMP/injected.json"
expect_rc 2 "injected subject name in the file"
expect_contains "$err" "subject.name: image name" "injected name: field named"
finish
