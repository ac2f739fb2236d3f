# --now on promote and rollback (issue 9 follow-up): a pinned clock moves soak times and freeze
# windows, so it is honoured only with the policy's [clock] allow_pinned = true, loudly, and is
# recorded in the ledger, the commit trailers and the evidence.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
grep -v '^\[clock\]$\|^allow_pinned = true$' "$TMP/policy.toml" >"$TMP/real-clock.toml"
grep -q allow_pinned "$TMP/real-clock.toml" && fail "test set-up: opt-in not removed"
new_evidence "$TMP/v1.json" v1 signature-review:ALLOW scan-gate:ALLOW
commits() { git -C "$TMP/work" rev-list --count HEAD; }

# Without the opt-in: --now is an error naming the key, nothing is committed or recorded.
before=$(commits); records=$(jq '.records | length' "$TMP/v1.json")
run command promote --now 2027-01-10T09:00:00Z --env staging --evidence "$TMP/v1.json" --repo "$TMP/work" --policy "$TMP/real-clock.toml"
expect_rc 2 "promote --now without [clock] allow_pinned"
expect_contains "$err" "[clock] allow_pinned = true" "names the policy key"
expect_contains "$err" "real-clock.toml" "names the policy file"
expect_eq "$(commits)" "$before" "nothing committed"
expect_eq "$(jq '.records[-1].decision' -r "$TMP/v1.json")" "ERROR" "an ERROR record, not a promotion"
# The real clock still works with that policy.
run command promote --env staging --evidence "$TMP/v1.json" --repo "$TMP/work" --policy "$TMP/real-clock.toml"
expect_rc 0 "promote on the real clock"
expect_not_contains "$err" "WARNING: the clock is pinned" "no warning on the real clock"
expect_eq "$(tail -1 "$TMP/work/relgate/api/staging/ledger.jsonl" | jq -r 'has("pinned_clock")')" "false" "no pinned_clock in the ledger"
expect_not_contains "$(git -C "$TMP/work" log -1 --format=%B)" "Relgate-Pinned-Clock" "no trailer on the real clock"

# With the opt-in: a warning on every run, the time in the ledger, the commit and the evidence.
new_evidence "$TMP/v2.json" v2 signature-review:ALLOW scan-gate:ALLOW
run command promote --now 2026-11-17T09:00:00Z --env staging --evidence "$TMP/v2.json" --repo "$TMP/work" --policy "$TMP/policy.toml"
expect_rc 0 "promote --now with the opt-in"
expect_contains "$err" "WARNING: the clock is pinned to 2026-11-17T09:00:00Z by --now" "warning"
expect_eq "$(tail -1 "$TMP/work/relgate/api/staging/ledger.jsonl" | jq -r .pinned_clock)" "2026-11-17T09:00:00Z" "ledger member"
expect_eq "$(git -C "$TMP/work" log -1 --format='%(trailers:key=Relgate-Pinned-Clock,valueonly)' | head -1)" "2026-11-17T09:00:00Z" "commit trailer"
expect_eq "$(jq -r '.records[-1].pinned_clock' "$TMP/v2.json")" "true" "evidence record"

# rollback: the same rule, read from --policy (default: the shipped promotion.toml, no opt-in).
before=$(commits)
run command rollback --now 2026-11-17T10:00:00Z --env staging --repo "$TMP/work"
expect_rc 2 "rollback --now with the shipped policy"
expect_contains "$err" "[clock] allow_pinned = true" "rollback names the policy key"
run command rollback --now 2026-11-17T10:00:00Z --env staging --repo "$TMP/work" --policy "$TMP/real-clock.toml"
expect_rc 2 "rollback --now without the opt-in"
expect_eq "$(commits)" "$before" "rollback: nothing committed"
run command rollback --now 2026-11-17T10:00:00Z --env staging --repo "$TMP/work" --policy "$TMP/policy.toml"
expect_rc 0 "rollback --now with the opt-in"
expect_contains "$err" "WARNING: the clock is pinned to 2026-11-17T10:00:00Z" "rollback warning"
expect_eq "$(tail -1 "$TMP/work/relgate/api/staging/ledger.jsonl" | jq -r .pinned_clock)" "2026-11-17T10:00:00Z" "rollback ledger member"
expect_eq "$(git -C "$TMP/work" log -1 --format='%(trailers:key=Relgate-Pinned-Clock,valueonly)' | head -1)" "2026-11-17T10:00:00Z" "rollback trailer"
# A rollback on the real clock needs no policy opt-in (nor a policy at all).
run command rollback --env staging --repo "$TMP/work" --to v1 --policy "$TMP/nowhere.toml"
expect_not_contains "$err" "allow_pinned" "real clock: [clock] not read"

finish
