#!/usr/bin/env bash
# Golden outputs of `evidence show` and `evidence verify` (tests/golden/evidence) over a committed
# signed evidence file (verify-signature, scan-gate, slo-check records; made once by
# fixtures/make-evidence.sh): show; verify intact with the signing key and the published head;
# verify DENY (exit 1) on an edited record, on a key that did not sign, and on records cut off
# the end (the published head missing). evidence writes no CI files: golden_command checks so.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/golden.bash"
GOLDEN_STEP=evidence
cp "$GOLDEN_FIXTURES"/evidence/* "$GOLDEN_FIXTURES"/verify-signature/other.pub "$TMP"/ && cd "$TMP" ||
  { fail "fixtures"; finish; }
head=$(jq -r '.records | length' api-signed.json)
[ "$head" = 3 ] || fail "the committed evidence file should hold 3 records, has $head"
# The evidence-head the last gate step published: the head `evidence verify` prints (its value is
# pinned by verify-intact.txt).
head_id=$(evidence verify --evidence api-signed.json --format json | jq -r .head)

golden_command show 0 evidence show --now 2026-11-17T10:00:00Z --evidence api-signed.json
golden_command verify-intact 0 evidence verify --now 2026-11-17T10:00:00Z --evidence api-signed.json \
  --key evidence-key.pub.pem --expect-head "$head_id"

# Tampering happens here with jq, from the committed file: the result is the same every run.
jq '.records[1].reasons = ["approved by hand"]' api-signed.json >edited.json
golden_command verify-edited 1 evidence verify --now 2026-11-17T10:00:00Z --evidence edited.json --key evidence-key.pub.pem
golden_command show-edited 0 evidence show --now 2026-11-17T10:00:00Z --evidence edited.json
golden_command verify-untrusted-key 1 evidence verify --now 2026-11-17T10:00:00Z --evidence api-signed.json --key other.pub
jq 'del(.records[2])' api-signed.json >cut.json
golden_command verify-cut 1 evidence verify --now 2026-11-17T10:00:00Z --evidence cut.json --key evidence-key.pub.pem \
  --expect-head "$head_id"
finish
