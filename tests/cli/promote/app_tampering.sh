# Red team of issue 14 (many applications in one GitOps repository): a hand-made commit that makes
# one application's folder point at or pretend to be another's. promote, rollback and audit refuse
# (exit 2, naming the file), never act on or report the other application's files.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
W=$TMP/work
P=(--env staging --repo "$W" --policy "$TMP/policy.toml")
IMAGE=ghcr.io/acme/api new_evidence "$TMP/api1.json" api1 signature-review:ALLOW scan-gate:ALLOW
IMAGE=ghcr.io/acme/web new_evidence "$TMP/web1.json" web1 signature-review:ALLOW scan-gate:ALLOW
IMAGE=ghcr.io/acme/web new_evidence "$TMP/web2.json" web2 signature-review:ALLOW scan-gate:ALLOW
IMAGE=ghcr.io/acme/web new_evidence "$TMP/web3.json" web3 signature-review:ALLOW scan-gate:ALLOW
run promote "${P[@]}" --evidence "$TMP/api1.json"
expect_rc 0 "api v1"
run promote "${P[@]}" --evidence "$TMP/web1.json"
expect_rc 0 "web v1"
run promote "${P[@]}" --evidence "$TMP/web2.json"
expect_rc 0 "web v2 (so web has a release to roll back to)"
clean=$(git -C "$W" rev-parse HEAD)
# tamper MESSAGE: commits whatever the caller changed in relgate/ (as a hostile pipeline would).
tamper() { git -C "$W" add -A relgate && git -C "$W" commit -q -m "$1"; }
restore() { git -C "$W" reset -q --hard "$clean"; }
# refused_everywhere WHAT NEEDLE: promote, rollback and audit all exit 2 naming NEEDLE; nothing committed.
refused_everywhere() {
  local head
  head=$(git -C "$W" rev-parse HEAD)
  run promote "${P[@]}" --evidence "$TMP/web3.json"
  expect_rc 2 "$1: promote"
  expect_contains "$err" "$2" "$1: promote names it"
  run rollback --env staging --repo "$W" --app web --reason "test"
  expect_rc 2 "$1: rollback"
  expect_contains "$err" "$2" "$1: rollback names it"
  run audit --repo "$W" --format json
  expect_rc 2 "$1: audit"
  expect_contains "$err" "$2" "$1: audit names it"
  expect_eq "$(git -C "$W" rev-parse HEAD)" "$head" "$1: nothing committed"
}

# A ledger line copied from api's ledger into web's: the line's app is not the folder's.
jq -c '.app = "api"' "$W/relgate/web/staging/ledger.jsonl" >"$TMP/l" && cp "$TMP/l" "$W/relgate/web/staging/ledger.jsonl"
tamper "web ledger: a line of api's"
refused_everywhere "ledger line of another app" "relgate/web/staging/ledger.jsonl"
expect_contains "$err" "app is 'api' but the ledger belongs to application 'web'" "audit says which app"
restore

# state.json naming another application.
jq '.app = "api"' "$W/relgate/web/staging/state.json" >"$TMP/s" && cp "$TMP/s" "$W/relgate/web/staging/state.json"
tamper "web state: api's"
refused_everywhere "state of another app" "relgate/web/staging/state.json: .app is 'api'"
restore

# web's folder, or its environment folder, made a symlink into api's: audit used to skip it
# silently (web vanished from the report); now every step refuses the symlink.
rm -rf "$W/relgate/web" && ln -s api "$W/relgate/web"
tamper "web -> api"
refused_everywhere "symlinked application folder" "relgate/web is a symlink"
restore
rm -rf "$W/relgate/web/staging" && ln -s ../api/staging "$W/relgate/web/staging"
tamper "web/staging -> api/staging"
refused_everywhere "symlinked environment folder" "relgate/web/staging is a symlink"
restore

# The untampered repository still works for both.
run audit --repo "$W" --format json
expect_rc 0 "audit of the restored repository"
expect_eq "$(jq -c '[.environments[] | .app + "/" + .env]' <<<"$out")" '["api/staging","web/staging"]' "both apps reported"
run rollback --env staging --repo "$W" --app web --reason "test"
expect_rc 0 "web rollback after restore"
run promote "${P[@]}" --evidence "$TMP/web3.json"
expect_rc 0 "web v3 after restore"
# Evidence whose promote record names another application than its image's: real when the policy
# binds the image to that application, and then that application's ledger ran the digest. audit
# believes the record only then; against a repository where it did not (a forged or replayed
# record from a pipeline holding the shared signing key), it refuses to file the release there.
cat "$TMP/policy.toml" >"$TMP/bound.toml"
printf '[apps.api-mirror.images]\nallowed_names = ["ghcr.io/acme/api"]\n' >>"$TMP/bound.toml"
IMAGE=ghcr.io/acme/api new_evidence "$TMP/mirror.json" mirror1 signature-review:ALLOW scan-gate:ALLOW
before=$(git -C "$W" rev-parse HEAD)
run promote --env staging --app api-mirror --evidence "$TMP/mirror.json" --repo "$W" --policy "$TMP/bound.toml"
expect_rc 0 "api's image into the bound application api-mirror"
run audit --repo "$W" --format json --evidence "$TMP/mirror.json"
expect_rc 0 "audit believes the record where the ledger ran the digest"
expect_contains "$(jq -c .apps <<<"$out")" '"api-mirror"' "filed under api-mirror"
git clone -q "$W" "$TMP/older" && git -C "$TMP/older" checkout -q "$before"
run audit --repo "$TMP/older" --format json --evidence "$TMP/mirror.json"
expect_rc 2 "a record naming an application whose ledger never ran the digest"
expect_contains "$err" "its records name application 'api-mirror'" "names the claim"
expect_contains "$err" "no ledger of relgate/api-mirror/ ran" "says what is missing"
finish
