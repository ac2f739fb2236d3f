# rollback --drill rehearses in a scratch clone: measured time, post-check, and the real
# repository and remote stay exactly as they were.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/cli/promote/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
NOW=2026-11-17T09:00:00Z
new_evidence "$TMP/v1.json" v1 signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --evidence "$TMP/v1.json" --repo "$TMP/work" --policy "$TMP/policy.toml" --push
run rollback --drill --env staging --repo "$TMP/work"
expect_rc 2 "drill with no earlier release"
expect_contains "$err" "no known-good release before rel-2026-11-17-01" "drill reports the missing target"

new_evidence "$TMP/v2.json" v2 signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --evidence "$TMP/v2.json" --repo "$TMP/work" --policy "$TMP/policy.toml" --push
head=$(git -C "$TMP/work" rev-parse HEAD)
state_before=$(cat "$TMP/work/relgate/api/staging/state.json")

run rollback --drill --env staging --repo "$TMP/work"
expect_rc 0 "drill"
expect_contains "$out" "drill: rolled staging back from rel-2026-11-17-02 to rel-2026-11-17-01" "drill target"
expect_contains "$out" "in a scratch clone in" "time printed"
expect_contains "$out" "post-check passed: state and Component pin $(digest_of v1), no canary" "post-check"
run rollback --drill --env staging --repo "$TMP/work" --format json
expect_eq "$(jq -r '.summary.elapsed_ms | type' <<<"$out")" "number" "elapsed_ms measured"
expect_eq "$(jq -r .summary.post_check_passed <<<"$out")" "true" "post-check in json"

expect_eq "$(git -C "$TMP/work" rev-parse HEAD)" "$head" "real clone untouched"
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$head" "remote untouched"
expect_eq "$(cat "$TMP/work/relgate/api/staging/state.json")" "$state_before" "state untouched"
expect_eq "$(jq -r '.rejected | length' "$TMP/work/relgate/api/releases.json")" "0" "nothing rejected for real"
run rollback --drill --push --env staging --repo "$TMP/work"
expect_rc 2 "drill never pushes"
finish
