# rollback by hand: default target = the newest earlier known-good release; the bad release is
# rejected (promote refuses it), --to picks a target, a canary rollback keeps the stable release,
# and every rollback is a new commit on top of history.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/cli/promote/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
P=(--repo "$TMP/work" --policy "$TMP/policy.toml")
NOW=2026-11-17T09:00:00Z
for v in v1 v2 v3; do
  new_evidence "$TMP/$v.json" "$v" signature-review:ALLOW scan-gate:ALLOW
  run promote --env staging --evidence "$TMP/$v.json" "${P[@]}"
  expect_rc 0 "promote $v"
done
first_commit=$(git -C "$TMP/work" rev-parse HEAD)
expect_eq "$(jq -r .stable.release "$TMP/work/relgate/api/staging/state.json")" "rel-2026-11-17-03" "v3 runs"

NOW=2026-11-17T10:00:00Z
run rollback --env staging --repo "$TMP/work" --reason "error rate 5%"
expect_rc 0 "rollback to last known-good"
expect_contains "$out" "rolled staging back from rel-2026-11-17-03 to rel-2026-11-17-02" "target is the previous release"
expect_eq "$(jq -r .stable.digest "$TMP/work/relgate/api/staging/state.json")" "$(digest_of v2)" "state pins v2"
expect_contains "$(cat "$TMP/work/relgate/api/staging/kustomization.yaml")" "$(digest_of v2)" "Component pins v2"
expect_eq "$(jq -r --arg d "$(digest_of v3)" '.rejected[$d].release' "$TMP/work/relgate/api/releases.json")" "rel-2026-11-17-03" "v3 rejected"
last=$(tail -1 "$TMP/work/relgate/api/staging/ledger.jsonl")
expect_eq "$(jq -r '[.seq, .action, .release, .rollback_of, .reason] | join(" ")' <<<"$last")" "4 rollback rel-2026-11-17-02 rel-2026-11-17-03 error rate 5%" "ledger entry"
trailers=$(git -C "$TMP/work" log -1 --format=%B | git interpret-trailers --parse)
expect_contains "$trailers" "Relgate-Action: rollback" "rollback trailer"
expect_contains "$trailers" "Relgate-Rollback-Of: rel-2026-11-17-03" "rollback-of trailer"
run git -C "$TMP/work" merge-base --is-ancestor "$first_commit" HEAD
expect_rc 0 "a forward commit: history kept"

# The rejected release is refused by promote, even by automation re-running the old job.
run promote --env staging --evidence "$TMP/v3.json" "${P[@]}"
expect_rc 1 "rejected release refused"
expect_contains "$out" "not-rejected: release rel-2026-11-17-03 (this digest) was rolled back in staging" "reason names the rollback"

# Again: v2 goes, v1 (the next known-good that is not rejected) comes back.
run rollback --env staging --repo "$TMP/work"
expect_rc 0 "second rollback"
expect_eq "$(jq -r .stable.release "$TMP/work/relgate/api/staging/state.json")" "rel-2026-11-17-01" "back to v1"
run rollback --env staging --repo "$TMP/work"
expect_rc 2 "nothing older"
expect_contains "$err" "no known-good release before rel-2026-11-17-01 in staging" "no target"
expect_contains "$err" "pass --to" "fix named"
run rollback --env staging --repo "$TMP/work" --to rel-2026-11-17-03
expect_rc 2 "--to a rejected release"
expect_contains "$err" "was itself rolled back earlier (rejected)" "rejected target refused"
run rollback --env staging --repo "$TMP/work" --to rel-2099-01-01-01
expect_rc 2 "--to an unknown release"
expect_contains "$err" "no release with that id or digest ever reached 100% in staging" "unknown target"

# --to by digest.
new_evidence "$TMP/v4.json" v4 signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --evidence "$TMP/v4.json" "${P[@]}"
expect_rc 0 "promote v4"
run rollback --env staging --repo "$TMP/work" --to "$(digest_of v1)" --format json
expect_rc 0 "--to by digest"
expect_eq "$(jq -r .summary.target_release <<<"$out")" "rel-2026-11-17-01" "target resolved from the digest"
expect_eq "$(jq -r .summary.rolled_back_release <<<"$out")" "rel-2026-11-17-04" "v4 rolled back"

# A canary rollback clears the canary and keeps the stable release.
cat >"$TMP/canary.toml" <<'TOML'
version = 1
[environments.web]
stages = ["10%", "100%"]
TOML
printf '%s\n' "$EVIDENCE_SECTION" >>"$TMP/canary.toml"
C=(--repo "$TMP/work" --policy "$TMP/canary.toml" --env web)
new_evidence "$TMP/c1.json" c1
run promote "${C[@]}" --evidence "$TMP/c1.json"
add_record "$TMP/c1.json" slo-check:ALLOW:web:10
run promote "${C[@]}" --evidence "$TMP/c1.json"
expect_rc 0 "c1 to 100%"
new_evidence "$TMP/c2.json" c2
run promote "${C[@]}" --evidence "$TMP/c2.json"
expect_rc 0 "c2 canary at 10%"
run rollback --env web --repo "$TMP/work"
expect_rc 0 "canary rollback"
expect_eq "$(jq -r '[.stable.digest, (.canary|tostring), (.canary_weight|tostring)] | join(" ")' "$TMP/work/relgate/api/web/state.json")" "$(digest_of c1) null 0" "stable kept, canary gone"
expect_eq "$(jq -r --arg d "$(digest_of c2)" '.rejected[$d].env' "$TMP/work/relgate/api/releases.json")" "web" "canary rejected"
expect_eq "$(git -C "$TMP/work" status --porcelain)" "" "clean work tree"
finish
