# A pipeline promotes one digest staging -> prod in canary stages 10/50/100: every stage gate,
# soak time, approvals, the files written, the ledger and the commit trailers.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
EV=$TMP/evidence.json
D=$(digest_of v1)
new_evidence "$EV" v1 signature-review:ALLOW scan-gate:ALLOW
P=(--repo "$TMP/work" --evidence "$EV" --policy "$TMP/policy.toml" --push)

NOW=2026-11-17T09:00:00Z  # a Tuesday
run promote --env staging "${P[@]}"
expect_rc 0 "staging promotion"
expect_contains "$out" "to staging at 100% as rel-2026-11-17-01" "release id"
expect_eq "$(jq -r .stable.digest "$TMP/work/relgate/api/staging/state.json")" "$D" "staging state pins the digest"
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$(git -C "$TMP/work" rev-parse HEAD)" "pushed to the remote"

# prod right away: no slo-check for staging, no soak, no approval; all reasons listed at once.
run promote --env prod "${P[@]}"
expect_rc 1 "prod without gates"
expect_contains "$out" "required-evidence: prod needs an ALLOW record from: slo-check@staging (no record)" "missing slo-check"
expect_contains "$out" "soak time: the digest has run in staging for 0s, prod needs 1h" "soak"
expect_contains "$out" "approvals: prod needs 1 approval(s)" "approval"
expect_eq "$(git -C "$TMP/work" rev-list --count HEAD)" "2" "a DENY commits nothing"

# A slo-check recorded without --env says nothing about staging: it must not open the prod gate.
add_record "$EV" slo-check:ALLOW
run promote --env prod "${P[@]}"
expect_rc 1 "unscoped slo-check"
expect_contains "$out" "slo-check@staging (no record)" "an unscoped record does not pass a scoped requirement"

add_record "$EV" slo-check:ALLOW:staging
NOW=2026-11-17T10:30:00Z
run promote --env prod --approved-by mallory "${P[@]}"
expect_rc 1 "approver not on the allow-list"
expect_contains "$out" "not on the allow-list: mallory" "unknown approver named"

run promote --env prod --approved-by alice --format json "${P[@]}"
expect_rc 0 "prod 10%"
expect_eq "$(jq -r .summary.weight <<<"$out")" "10" "first canary stage"
expect_eq "$(jq -r .summary.release_id <<<"$out")" "rel-2026-11-17-01" "release id follows the digest from staging"
expect_eq "$(jq -r '.canary.digest + " " + (.canary_weight|tostring)' "$TMP/work/relgate/api/prod/state.json")" "$D 10" "canary in state"
expect_eq "$(jq -r .stable "$TMP/work/relgate/api/prod/state.json")" "null" "no stable yet"

# 50% needs a slo-check ALLOW recorded for prod at 10%.
run promote --env prod --approved-by alice "${P[@]}"
expect_rc 1 "50% without the stage gate"
expect_contains "$out" "canary-stage: 50% needs a slo-check ALLOW for prod at stage 10 (no record)" "stage gate"
add_record "$EV" slo-check:DENY:prod:10
run promote --env prod --approved-by alice "${P[@]}"
expect_rc 1 "50% after a DENY"
expect_contains "$out" "(newest is DENY)" "DENY at 10% blocks"
add_record "$EV" slo-check:ALLOW:prod:10
run promote --env prod --approved-by alice --stage 100 "${P[@]}"
expect_rc 1 "skipping a stage"
expect_contains "$out" "100% needs this digest at the previous stage 50% first (it is 10%)" "no skipping"
run promote --env prod --approved-by alice --weight 50 --stage 10 "${P[@]}"
expect_rc 2 "--weight and --stage disagree"
run promote --env prod --approved-by alice --weight 50 "${P[@]}"
expect_rc 0 "prod 50% (--weight names the stage by its percent)"
expect_eq "$(jq -r .canary_weight "$TMP/work/relgate/api/prod/state.json")" "50" "canary at 50"

add_record "$EV" slo-check:ALLOW:prod:50
run promote --env prod --approved-by alice --approved-by alice "${P[@]}"
expect_rc 0 "prod 100%"
expect_eq "$(jq -r '.stable.digest + " " + (.canary|tostring)' "$TMP/work/relgate/api/prod/state.json")" "$D null" "stable, canary cleared"
expect_contains "$(cat "$TMP/work/relgate/api/prod/kustomization.yaml")" "digest: \"$D\"" "Component pins the digest"
expect_contains "$(cat "$TMP/work/relgate/api/prod/kustomization.yaml")" "kind: Component" "a kustomize Component"
expect_not_contains "$(cat "$TMP/work/relgate/api/prod/kustomization.yaml")" "newTag" "digest only"

# The ledger: one line per promotion, seq 1..3, approvers deduplicated.
expect_eq "$(jq -r .seq "$TMP/work/relgate/api/prod/ledger.jsonl" | tr '\n' ' ')" "1 2 3 " "ledger seq"
expect_eq "$(jq -r .weight "$TMP/work/relgate/api/prod/ledger.jsonl" | tr '\n' ' ')" "10 50 100 " "ledger weights"
expect_eq "$(tail -1 "$TMP/work/relgate/api/prod/ledger.jsonl" | jq -c .approvers)" '["alice"]' "approvers"
expect_eq "$(tail -1 "$TMP/work/relgate/api/prod/ledger.jsonl" | jq -r .evidence_sha256 | cut -c1-7)" "sha256:" "evidence hash"

# One commit per promotion, with trailers git itself can read.
trailers=$(git -C "$TMP/work" log -1 --format=%B | git interpret-trailers --parse)
expect_contains "$trailers" "Relgate-Release: rel-2026-11-17-01" "release trailer"
expect_contains "$trailers" "Relgate-Env: prod" "env trailer"
expect_contains "$trailers" "Relgate-Digest: $D" "digest trailer"
expect_contains "$trailers" "Relgate-Action: promote" "action trailer"
expect_contains "$trailers" "Relgate-Evidence: sha256:" "evidence trailer"
expect_eq "$(git -C "$TMP/work" rev-list --count HEAD)" "5" "initial + staging + 3 prod stages"

# Again: nothing to change, no commit. promote's own records are in the evidence, scoped to the env.
run promote --env prod "${P[@]}"
expect_rc 0 "idempotent"
expect_contains "$out" "already runs at 100% in prod" "no change"
expect_eq "$(git -C "$TMP/work" rev-list --count HEAD)" "5" "no new commit"
expect_eq "$(jq '[.records[] | select(.step == "promote" and .decision == "ALLOW" and .scope.env == "prod")] | length' "$EV")" "4" "promote records in the evidence"
run evidence verify --evidence "$EV"
expect_rc 0 "evidence chain still intact"

# A second digest: staging gets rel-...-02 the same day.
EV2=$TMP/evidence2.json
new_evidence "$EV2" v2 signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --repo "$TMP/work" --evidence "$EV2" --policy "$TMP/policy.toml"
expect_rc 0 "second release"
expect_contains "$out" "as rel-2026-11-17-02" "next release id of the day"

# An evidence file that names its release id keeps it, and later ids continue after it.
evidence init --evidence "$TMP/ev3.json" --subject "$IMAGE@$(digest_of v3)" --release rel-2026-11-17-07 >/dev/null
add_record "$TMP/ev3.json" signature-review:ALLOW
add_record "$TMP/ev3.json" scan-gate:ALLOW
run promote --env staging --repo "$TMP/work" --evidence "$TMP/ev3.json" --policy "$TMP/policy.toml"
expect_contains "$out" "as rel-2026-11-17-07" "the pipeline's release id"
new_evidence "$TMP/ev4.json" v4 signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --repo "$TMP/work" --evidence "$TMP/ev4.json" --policy "$TMP/policy.toml"
expect_contains "$out" "as rel-2026-11-17-08" "no collision with it"
finish
