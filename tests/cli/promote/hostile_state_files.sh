# A hostile commit to the GitOps repository (issue 9 follow-up): relgate's state files are
# rewritten from what relgate parsed, so a member it does not know would vanish unseen, and a
# repeated ledger seq forges history behind a state file that still agrees with the newest line.
# promote refuses both (exit 2, naming the file and the member or line) and pushes nothing.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
P=(--env staging --repo "$TMP/work" --policy "$TMP/policy.toml")
remote_head() { git -C "$TMP/remote.git" rev-parse refs/heads/main; }
# hostile_commit MESSAGE: commits the work tree as the attacker and pushes it to the remote.
hostile_commit() {
  git -C "$TMP/work" commit -q -am "$1" && git -C "$TMP/work" push -q origin HEAD:main
}

new_evidence "$TMP/v1.json" v1 signature-review:ALLOW scan-gate:ALLOW
run promote "${P[@]}" --evidence "$TMP/v1.json"
expect_rc 0 "first promotion"
new_evidence "$TMP/v2.json" v2 signature-review:ALLOW scan-gate:ALLOW
clean=$(git -C "$TMP/work" rev-parse HEAD)

# An unknown member in relgate/api/releases.json.
jq '. + {"allow_all": true}' "$TMP/work/relgate/api/releases.json" >"$TMP/r.json"
cp "$TMP/r.json" "$TMP/work/relgate/api/releases.json"
hostile_commit "releases.json: an extra member"
pushed=$(remote_head)
run promote "${P[@]}" --evidence "$TMP/v2.json"
expect_rc 2 "unknown member in releases.json"
expect_contains "$err" "relgate/api/releases.json" "names the file"
expect_contains "$err" '"allow_all"' "names the member"
expect_contains "$err" "remove it" "says the fix"
expect_eq "$(remote_head)" "$pushed" "nothing pushed"
expect_eq "$(git -C "$TMP/work" status --porcelain)" "" "nothing written into the work tree"

# An unknown member inside relgate/api/staging/state.json (the stable release).
git -C "$TMP/work" checkout -q "$clean" -- relgate
jq '.stable += {"skip_soak": true}' "$TMP/work/relgate/api/staging/state.json" >"$TMP/s.json"
cp "$TMP/s.json" "$TMP/work/relgate/api/staging/state.json"
hostile_commit "state.json: an extra member"
pushed=$(remote_head)
run promote "${P[@]}" --evidence "$TMP/v2.json"
expect_rc 2 "unknown member in state.json"
expect_contains "$err" "relgate/api/staging/state.json" "names the file"
expect_contains "$err" '"skip_soak"' "names the member"
expect_eq "$(remote_head)" "$pushed" "nothing pushed"

# A second ledger line with the newest seq: state.json's ledger_seq still matches the last line.
git -C "$TMP/work" checkout -q "$clean" -- relgate
jq -c '.reason = "forged" | .actor = "mallory"' "$TMP/work/relgate/api/staging/ledger.jsonl" >"$TMP/twin.jsonl"
cat "$TMP/twin.jsonl" >>"$TMP/work/relgate/api/staging/ledger.jsonl"
hostile_commit "ledger: a twin of entry 1"
pushed=$(remote_head)
run promote "${P[@]}" --evidence "$TMP/v2.json"
expect_rc 2 "duplicate ledger seq"
expect_contains "$err" "relgate/api/staging/ledger.jsonl:2: seq 1 repeats seq 1 of line 1" "names the file and line"
expect_contains "$err" "restore it from git history" "says the fix"
expect_eq "$(remote_head)" "$pushed" "nothing pushed"
expect_eq "$(git -C "$TMP/work" status --porcelain)" "" "nothing written into the work tree"

# Restored from history, the same evidence promotes.
git -C "$TMP/work" checkout -q "$clean" -- relgate
hostile_commit "restore relgate/ from history"
run promote "${P[@]}" --evidence "$TMP/v2.json"
expect_rc 0 "promotes once the files are restored"
finish
