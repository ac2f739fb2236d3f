# rollback --if-denied --push is bound to the denied digest on every push attempt, not only in the
# clone it started from: a duplicate job or CI retry whose clone predates the first rollback
# fetched the remote (where the denied release is already gone) and rolled back the healthy
# release there, marking it rejected for good.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/cli/promote/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
for v in v0 v1 v2; do
  new_evidence "$TMP/$v.json" "$v" signature-review:ALLOW scan-gate:ALLOW
  run promote --env staging --evidence "$TMP/$v.json" --repo "$TMP/work" --policy "$TMP/policy.toml" --push
  expect_rc 0 "promote $v"
done
clone_of "$TMP/remote.git" "$TMP/stale" # the retried job's clone: v2 still runs there
add_record "$TMP/v2.json" slo-check:DENY:staging
cp "$TMP/v2.json" "$TMP/v2-retry.json"
R=(rollback --env staging --if-denied --push --policy "$TMP/policy.toml")

run "${R[@]}" --repo "$TMP/work" --evidence "$TMP/v2.json"
expect_rc 0 "first job rolls v2 back"
expect_contains "$out" "rolled staging back from rel-2026-11-17-03 to rel-2026-11-17-02" "v2 rolled back"
after=$(git -C "$TMP/remote.git" rev-parse main)

run "${R[@]}" --repo "$TMP/stale" --evidence "$TMP/v2-retry.json"
expect_rc 0 "stale retry: nothing to do"
expect_contains "$out" "which is not what staging runs now" "says the DENY concerns a release gone"
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$after" "nothing pushed by the retry"
expect_eq "$(git -C "$TMP/remote.git" show main:relgate/api/staging/state.json | jq -r .stable.digest)" "$(digest_of v1)" "v1 still runs"
expect_eq "$(git -C "$TMP/remote.git" show main:relgate/api/releases.json | jq -r --arg d "$(digest_of v1)" '.rejected[$d] // "none"')" "none" "v1 not rejected"
expect_eq "$(jq -r '.records[-1].step' "$TMP/v2-retry.json")" "slo-check" "no rollback record appended by the retry"
finish
