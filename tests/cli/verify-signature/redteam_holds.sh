#!/usr/bin/env bash
# Red team (verify-signature, outside attacker who edits published bundles): parts of one real
# bundle moved into another, and hostile numbers, are refused. Each case starts from a
# conformance bundle that ALLOWs as published and changes one thing:
# - happy-path-v0.3 without its inclusion promise: the proof alone gives no signing time (DENY);
# - its log id replaced by a CT log's key id from the same trusted root: not a transparency log;
# - its certificate replaced by rekor2-happy-path's (a valid Fulcio certificate of the same
#   identity): the signature does not verify with it;
# - its checkpoint replaced by rekor2-happy-path's (another log, another tree): refused;
# - integratedTime of 2^63-1, -1, 0, a float, 10^20: refused (exit 1 or 2), never ALLOWed.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/conformance_lib.bash"
command -v jq >/dev/null || skip "jq not installed (scripts/bootstrap.sh installs it)"
v03="$CASES/happy-path-v0.3/bundle.sigstore.json"
rekor2="$CASES/rekor2-happy-path/bundle.sigstore.json"
[ -f "$v03" ] && [ -f "$rekor2" ] || skip "conformance cases missing under $CASES"
cd "$TMP" || exit 1
refused() { # refused BUNDLE DESCRIPTION [REASON]: exit 1 or 2, with REASON in the output
  keyless "$1"
  if [ "$rc" != 1 ] && [ "$rc" != 2 ]; then
    fail "$2: exit $rc, expected a refusal"
    echo "$out"
  elif [ -n "${3:-}" ]; then
    expect_contains "$out$err" "$3" "$2"
  fi
}
keyless "$v03"
expect_rc 0 "happy-path-v0.3 as published"

jq 'del(.verificationMaterial.tlogEntries[0].inclusionPromise)' "$v03" >no-set.json
refused no-set.json "inclusion proof without a promise" "no verified signing time"

ct_id=$(jq -r '.ctlogs[0].logId.keyId' "$ROOT")
jq --arg id "$ct_id" '.verificationMaterial.tlogEntries[0].logId.keyId = $id' "$v03" >ct-log-id.json
refused ct-log-id.json "a CT log's id as the transparency log" "is not a transparency log in"

jq --slurpfile other "$rekor2" '.verificationMaterial.certificate = $other[0].verificationMaterial.certificate' \
  "$v03" >other-cert.json
refused other-cert.json "another valid Fulcio certificate" "does not verify with the signing certificate"

jq --slurpfile other "$rekor2" '.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint =
  $other[0].verificationMaterial.tlogEntries[0].inclusionProof.checkpoint' "$v03" >other-checkpoint.json
refused other-checkpoint.json "another log's checkpoint" "checkpoint tree size 736 differs"

for time in 9223372036854775807 '"9223372036854775807"' '"-1"' '"0"' 1689177396.5 '"100000000000000000000"'; do
  jq -c ".verificationMaterial.tlogEntries[0].integratedTime = $time" "$v03" >time.json
  refused time.json "integratedTime $time"
done
finish
