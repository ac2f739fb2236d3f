# Each admission check refuses on its own, with its own named reason: image allow-list, evidence
# chain, signed evidence, freeze windows (dated, weekly with a time zone, override), canary conflicts.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
P=(--repo "$TMP/work" --policy "$TMP/policy.toml")
NOW=2026-11-17T09:00:00Z

# image-allowed: another registry, then an allowed registry but a name outside the globs.
evidence init --evidence "$TMP/other.json" --subject "docker.io/library/nginx@$(digest_of x)" >/dev/null
add_record "$TMP/other.json" signature-review:ALLOW
add_record "$TMP/other.json" scan-gate:ALLOW
run promote --env staging --evidence "$TMP/other.json" "${P[@]}"
expect_rc 1 "registry not allowed"
expect_contains "$out" "image-allowed: registry docker.io of docker.io/library/nginx is not in [images] allowed_registries" "registry"
evidence init --evidence "$TMP/other2.json" --subject "ghcr.io/evil/api@$(digest_of y)" >/dev/null
run promote --env staging --evidence "$TMP/other2.json" "${P[@]}"
expect_rc 1 "name not allowed"
expect_contains "$out" "image-allowed: image ghcr.io/evil/api matches no [images] allowed_names pattern" "name glob"
expect_contains "$out" "required-evidence: staging needs an ALLOW record from: signature-review (no record), scan-gate (no record)" "both missing"

# evidence-chain: an edited record breaks the chain; promote refuses.
new_evidence "$TMP/ev.json" v1 signature-review:ALLOW scan-gate:DENY
run promote --env staging --evidence "$TMP/ev.json" "${P[@]}"
expect_rc 1 "scan-gate DENY"
expect_contains "$out" "scan-gate (newest is DENY)" "DENY record named"
jq '.records[1].decision = "ALLOW"' "$TMP/ev.json" >"$TMP/tampered.json"
run promote --env staging --evidence "$TMP/tampered.json" "${P[@]}"
expect_rc 1 "tampered evidence"
expect_contains "$out" "evidence-chain: the evidence is not intact and signed by a trusted key" "chain check"
expect_eq "$(git -C "$TMP/work" rev-list --count HEAD)" "1" "nothing committed"

# evidence-chain with trusted keys: unsigned records, and records signed by another key, are refused.
RELGATE_EVIDENCE_KEY= new_evidence "$TMP/ev-unsigned.json" v1 signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --evidence "$TMP/ev-unsigned.json" "${P[@]}"
expect_rc 1 "unsigned evidence under a signing policy"
expect_contains "$out" "evidence-chain: the evidence is not intact and signed by a trusted key" "signature required"
openssl genpkey -algorithm ed25519 -out "$TMP/other-key.pem" 2>/dev/null
RELGATE_EVIDENCE_KEY=$TMP/other-key.pem new_evidence "$TMP/ev-other-key.json" v1 signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --evidence "$TMP/ev-other-key.json" "${P[@]}"
expect_rc 1 "evidence signed by an untrusted key"
expect_contains "$out" "evidence-chain: the evidence is not intact and signed by a trusted key" "untrusted key refused"
new_evidence "$TMP/ev-signed.json" v1 signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --evidence "$TMP/ev-signed.json" "${P[@]}"
expect_rc 0 "signed evidence"

# Freeze windows on prod. Set up: v1 at 100% in staging long ago, gates recorded.
new_evidence "$TMP/prod.json" v1 signature-review:ALLOW scan-gate:ALLOW slo-check:ALLOW:staging
PP=(--env prod --evidence "$TMP/prod.json" --approved-by alice "${P[@]}")
# Dated window: 2026-12-21..2027-01-04.
NOW=2026-12-24T12:00:00Z run promote "${PP[@]}"
expect_rc 1 "dated freeze"
expect_contains "$out" "freeze-window: prod is frozen: end-of-year freeze (2026-12-21T00:00:00Z..2027-01-04T00:00:00Z)" "dated window named"
NOW=2026-12-24T12:00:00Z run promote --override-freeze "${PP[@]}"
expect_rc 1 "override without a reason"
expect_contains "$out" "--override-freeze needs --reason TEXT" "override needs a reason"
# Weekly window: Friday 15:00-24:00 Europe/Berlin. 2026-11-20 is a Friday; CET = UTC+1.
NOW=2026-11-20T14:30:00Z run promote "${PP[@]}"
expect_rc 1 "Friday 15:30 in Berlin"
expect_contains "$out" "no Friday-afternoon deploys (fri 15:00-24:00 Europe/Berlin)" "weekly window named"
NOW=2026-11-20T13:30:00Z run promote "${PP[@]}" --format json
expect_rc 0 "Friday 14:30 in Berlin is open: prod canary 10%"
expect_eq "$(jq -r '.checks[] | select(.name == "freeze-window") | .message' <<<"$out")" "no freeze window active" "freeze check passed"
# Summer time: 2026-07-03 (Friday) 13:30Z is 15:30 CEST: frozen, which a fixed UTC+1 would miss.
NOW=2026-07-03T13:30:00Z run promote "${PP[@]}"
expect_contains "$out" "no Friday-afternoon deploys" "daylight saving time honoured"
# Saturday 00:30 Berlin: outside (the window ends at 24:00).
NOW=2026-11-20T23:30:00Z run promote "${PP[@]}"
expect_contains "$out" "pass freeze-window: no freeze window active" "Saturday is open"
expect_contains "$out" "FAIL canary-stage: 50% needs a slo-check ALLOW for prod at stage 10" "only the stage gate fails"
# Override with reason and approver: allowed, recorded.
add_record "$TMP/prod.json" slo-check:ALLOW:prod:10
NOW=2026-12-24T12:00:00Z run promote --override-freeze --reason "hotfix INC-42" "${PP[@]}"
expect_rc 0 "override with reason and approver"
expect_contains "$out" "overridden by alice: hotfix INC-42" "override recorded in the check"
expect_eq "$(tail -1 "$TMP/work/relgate/api/prod/ledger.jsonl" | jq -r .reason)" "freeze override: hotfix INC-42" "override in the ledger"

# canary-stage conflict: another digest while v1 runs as canary at 50%.
new_evidence "$TMP/v2.json" v2 signature-review:ALLOW scan-gate:ALLOW slo-check:ALLOW:staging
NOW=2026-11-21T10:00:00Z run promote --env staging --evidence "$TMP/v2.json" "${P[@]}"
expect_rc 0 "v2 to staging"
NOW=2026-11-21T12:00:00Z run promote --env prod --evidence "$TMP/v2.json" --approved-by bob "${P[@]}"
expect_rc 1 "second canary refused"
expect_contains "$out" "canary-stage: conflict: prod already runs canary rel-2026-11-17-01 at 50%" "conflict named"
# environment-order: a digest never promoted to staging.
new_evidence "$TMP/v3.json" v3 signature-review:ALLOW scan-gate:ALLOW slo-check:ALLOW:staging
NOW=2026-11-21T12:00:00Z run promote --env prod --evidence "$TMP/v3.json" --approved-by bob "${P[@]}"
expect_contains "$out" "has not reached 100% in staging: promote it to staging first" "environment order"
finish
