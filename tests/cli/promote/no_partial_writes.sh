# Every planned path is checked before anything is written (issue 9 follow-up): a symlinked
# relgate/<env>/rendered (or ledger) is refused with the work tree untouched, not after state.json,
# the Component, releases.json and known-good.json were already rewritten.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
mkdir -p "$TMP/work/relgate/templates" "$TMP/outside"
printf 'image: {{ image }}@{{ stable.digest }}\n' >"$TMP/work/relgate/templates/app.yaml.tmpl"
git -C "$TMP/work" add -A && git -C "$TMP/work" commit -q -m "a template"
P=(--env staging --repo "$TMP/work" --policy "$TMP/policy.toml")

new_evidence "$TMP/v1.json" v1 signature-review:ALLOW scan-gate:ALLOW
run promote "${P[@]}" --evidence "$TMP/v1.json"
expect_rc 0 "first promotion"

# Someone commits relgate/api/staging/rendered as a symlink out of the repository.
rm -rf "$TMP/work/relgate/api/staging/rendered"
ln -s "$TMP/outside" "$TMP/work/relgate/api/staging/rendered"
git -C "$TMP/work" add -A && git -C "$TMP/work" commit -q -m "rendered -> outside"
head=$(git -C "$TMP/work" rev-parse HEAD)
new_evidence "$TMP/v2.json" v2 signature-review:ALLOW scan-gate:ALLOW
run promote "${P[@]}" --evidence "$TMP/v2.json"
expect_rc 2 "symlinked rendered folder"
expect_contains "$err" "rendered is a symlink" "names the symlink"
expect_eq "$(git -C "$TMP/work" status --porcelain)" "" "nothing written into the work tree"
expect_eq "$(git -C "$TMP/work" rev-parse HEAD)" "$head" "nothing committed"
expect_eq "$(ls "$TMP/outside")" "" "nothing written outside"

# The same for the ledger (an append target).
git -C "$TMP/work" rm -q relgate/api/staging/rendered && git -C "$TMP/work" commit -q -m "undo"
git -C "$TMP/work" checkout -q "$head~1" -- relgate/api/staging/rendered && git -C "$TMP/work" commit -q -m "restore"
cp "$TMP/work/relgate/api/staging/ledger.jsonl" "$TMP/outside/ledger.jsonl"
ln -sf "$TMP/outside/ledger.jsonl" "$TMP/work/relgate/api/staging/ledger.jsonl"
git -C "$TMP/work" add -A && git -C "$TMP/work" commit -q -m "ledger -> outside"
head=$(git -C "$TMP/work" rev-parse HEAD)
run promote "${P[@]}" --evidence "$TMP/v2.json"
expect_rc 2 "symlinked ledger"
expect_contains "$err" "ledger.jsonl is a symlink" "names the ledger"
expect_eq "$(git -C "$TMP/work" status --porcelain)" "" "ledger: nothing written into the work tree"
expect_eq "$(git -C "$TMP/work" rev-parse HEAD)" "$head" "ledger: nothing committed"

finish
