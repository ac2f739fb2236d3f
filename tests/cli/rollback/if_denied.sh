# rollback --if-denied (for `if: failure()` steps): rolls back only when the newest slo-check
# record for the environment is DENY; otherwise exits 0 and says why. With --push it lands remotely.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/cli/promote/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
export RELGATE_NOW=2026-11-17T09:00:00Z
for v in v1 v2; do
  new_evidence "$TMP/$v.json" "$v" verify-signature:ALLOW scan-gate:ALLOW
  run promote --env staging --evidence "$TMP/$v.json" --repo "$TMP/work" --policy "$TMP/policy.toml" --push
  expect_rc 0 "promote $v"
done
head=$(git -C "$TMP/remote.git" rev-parse main)
R=(rollback --env staging --repo "$TMP/work" --if-denied --push)

run "${R[@]}"
expect_rc 2 "--if-denied without evidence"
expect_contains "$err" "--if-denied needs --evidence FILE" "usage named"

run "${R[@]}" --evidence "$TMP/v2.json"
expect_rc 0 "no slo-check record: no rollback"
expect_contains "$out" "no slo-check record for staging" "says why"

evidence append --evidence "$TMP/v2.json" --step slo-check --decision DENY --env prod >/dev/null
evidence append --evidence "$TMP/v2.json" --step slo-check --decision ALLOW --env staging >/dev/null
run "${R[@]}" --evidence "$TMP/v2.json"
expect_rc 0 "ALLOW for staging (a DENY for prod does not count)"
expect_contains "$out" "newest slo-check for staging is ALLOW: no rollback needed" "says why"
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$head" "nothing pushed"

evidence append --evidence "$TMP/v2.json" --step slo-check --decision DENY --env staging >/dev/null
run "${R[@]}" --evidence "$TMP/v2.json"
expect_rc 0 "DENY: rolled back"
expect_contains "$out" "rolled staging back from rel-2026-11-17-02 to rel-2026-11-17-01" "rollback done"
expect_contains "$out" ", pushed)" "pushed"
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$(git -C "$TMP/work" rev-parse HEAD)" "remote has the rollback"
expect_eq "$(git -C "$TMP/remote.git" show main:relgate/staging/ledger.jsonl | tail -1 | jq -r .reason)" "slo-check DENY for staging" "default reason"
expect_eq "$(jq -r '.records[-1] | .step + " " + .decision' "$TMP/v2.json")" "rollback ALLOW" "rollback recorded in the evidence"
finish
