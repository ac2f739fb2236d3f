# rollback --if-denied (for `if: failure()` steps): rolls back only when the newest slo-check
# record for the environment is DENY; otherwise exits 0 and says why. With --push it lands remotely.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/cli/promote/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
NOW=2026-11-17T09:00:00Z
for v in v1 v2; do
  new_evidence "$TMP/$v.json" "$v" signature-review:ALLOW scan-gate:ALLOW
  run promote --env staging --evidence "$TMP/$v.json" --repo "$TMP/work" --policy "$TMP/policy.toml" --push
  expect_rc 0 "promote $v"
done
head=$(git -C "$TMP/remote.git" rev-parse main)
R=(rollback --env staging --repo "$TMP/work" --if-denied --push --policy "$TMP/policy.toml")

run "${R[@]}"
expect_rc 2 "--if-denied without evidence"
expect_contains "$err" "--if-denied needs --evidence FILE" "usage named"

run "${R[@]}" --evidence "$TMP/v2.json"
expect_rc 0 "no slo-check record: no rollback"
expect_contains "$out" "no slo-check record for staging" "says why"

add_record "$TMP/v2.json" slo-check:DENY:prod
add_record "$TMP/v2.json" slo-check:ALLOW:staging
run "${R[@]}" --evidence "$TMP/v2.json"
expect_rc 0 "ALLOW for staging (a DENY for prod does not count)"
expect_contains "$out" "newest slo-check for staging is ALLOW: no rollback needed" "says why"
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$head" "nothing pushed"

add_record "$TMP/v2.json" slo-check:DENY:staging
# Another application's DENY (api's v2) never rolls back web: evidence of an image web never ran is
# refused before anything is read or written (the rollback record would land in api's evidence).
IMAGE=ghcr.io/acme/web
for v in w1 w2; do
  new_evidence "$TMP/$v.json" "$v" signature-review:ALLOW scan-gate:ALLOW
  run promote --env staging --evidence "$TMP/$v.json" --repo "$TMP/work" --policy "$TMP/policy.toml" --push
  expect_rc 0 "promote web $v"
done
IMAGE=ghcr.io/acme/api
web_state=$(cat "$TMP/work/relgate/web/staging/state.json")
head=$(git -C "$TMP/remote.git" rev-parse main)
records_before=$(jq '.records | length' "$TMP/v2.json")
run "${R[@]}" --app web --evidence "$TMP/v2.json"
expect_rc 2 "api's DENY with --app web: refused"
expect_contains "$err" "concerns ghcr.io/acme/api (application api), which relgate/web/staging never ran" "says whose evidence it is"
# Only step_main's ERROR record (the fail-closed trace, no summary.app) reaches api's evidence.
expect_eq "$(jq -c --argjson n "$records_before" '[.records[$n:][] | [.step, .decision, (.summary.app // "")]]' "$TMP/v2.json")" \
  '[["rollback","ERROR",""]]' "no rollback of web recorded in api's evidence"
for mode in "--drill" ""; do
  run rollback --env staging --repo "$TMP/work" --app web --evidence "$TMP/v2.json" $mode --reason "x"
  expect_rc 2 "api's evidence on a web rollback ${mode:-(plain)}"
done
expect_eq "$(cat "$TMP/work/relgate/web/staging/state.json")" "$web_state" "web untouched"
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$head" "nothing pushed for web"
run "${R[@]}" --evidence "$TMP/v2.json"
expect_rc 0 "DENY: rolled back"
expect_contains "$out" "rolled staging back from rel-2026-11-17-02 to rel-2026-11-17-01" "rollback done"
expect_contains "$out" ", pushed)" "pushed"
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$(git -C "$TMP/work" rev-parse HEAD)" "remote has the rollback"
expect_eq "$(git -C "$TMP/remote.git" show main:relgate/api/staging/ledger.jsonl | tail -1 | jq -r .reason)" "slo-check DENY for staging" "default reason"
expect_eq "$(jq -r '.records[-1] | .step + " " + .decision' "$TMP/v2.json")" "rollback ALLOW" "rollback recorded in the evidence"

# A CI retry of the same job: v2 no longer runs, so nothing happens (v1, healthy, stays).
after_rollback=$(git -C "$TMP/remote.git" rev-parse main)
run "${R[@]}" --evidence "$TMP/v2.json"
expect_rc 0 "retry: no second rollback"
expect_contains "$out" "which is not what staging runs now" "says the DENY concerns a release gone"
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$after_rollback" "nothing pushed on retry"
expect_eq "$(jq -r .stable.digest "$TMP/work/relgate/api/staging/state.json")" "$(digest_of v1)" "v1 still runs"
expect_eq "$(jq -r --arg d "$(digest_of v1)" '.rejected[$d] // "none"' "$TMP/work/relgate/api/releases.json")" "none" "v1 not rejected"

# Evidence of another release (v3, never promoted) with a DENY does not touch staging either.
new_evidence "$TMP/v3.json" v3 signature-review:ALLOW slo-check:DENY:staging
run "${R[@]}" --evidence "$TMP/v3.json"
expect_rc 0 "DENY about a release that does not run"
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$after_rollback" "nothing pushed"

# --if-denied reads evidence: unsigned evidence is not trusted, and the shipped policy names no key.
RELGATE_EVIDENCE_KEY= new_evidence "$TMP/v1-unsigned.json" v1 slo-check:DENY:staging
run "${R[@]}" --evidence "$TMP/v1-unsigned.json"
expect_rc 2 "unsigned evidence refused"
expect_contains "$err" "not intact and signed by a trusted key" "why"
run command rollback --env staging --repo "$TMP/work" --if-denied --evidence "$TMP/v3.json" --policy "$RELGATE_SOURCE_DIR/policies/promotion.toml"
expect_rc 2 "no trusted key configured"
expect_contains "$err" "needs trusted keys" "how to configure keys"
# --expect-evidence-head: cutting the newest records off is seen (the anchor is the evidence-head
# output the gate step published).
new_evidence "$TMP/v1b.json" v1
GITHUB_ACTIONS=true GITHUB_OUTPUT=$TMP/gh-v1b.out add_record "$TMP/v1b.json" slo-check:DENY:staging
deny_head=$(grep '^evidence-head=' "$TMP/gh-v1b.out" | tail -1 | cut -d= -f2)
expect_eq "${deny_head:0:7}" "sha256:" "slo-check publishes evidence-head"
jq 'del(.records[-1])' "$TMP/v1b.json" >"$TMP/v1b-cut.json"
run "${R[@]}" --evidence "$TMP/v1b-cut.json" --expect-evidence-head "$deny_head"
expect_rc 2 "truncated evidence refused when the head is expected"
expect_contains "$err" "expected evidence head is missing" "anchor named"
finish
