# Migration from the single-application layout (relgate/<env>/, relgate/releases.json) to
# relgate/<app>/<env>/: the old layout is refused with the command in the message; the migration is
# refused on a dirty tree, makes one commit that moves every file, gives state.json its app,
# rewrites the overlay's Component path (reported), keeps templates shared, and a second run
# changes nothing; promote and rollback then work on the migrated application.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/gitops_fixture.bash"

# An old-layout repository, as relgate wrote it before applications: built by hand from files the
# new layout writes (same formats), then moved to the old paths.
new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
NOW=2026-11-17T09:00:00Z
for v in v1 v2; do
  new_evidence "$TMP/$v.json" "$v" signature-review:ALLOW scan-gate:ALLOW
  run promote --env staging --evidence "$TMP/$v.json" --repo "$TMP/work" --policy "$TMP/policy.toml" --push
  expect_rc 0 "promote $v"
done
W=$TMP/work
git -C "$W" mv relgate/api/staging relgate/staging
git -C "$W" mv relgate/api/releases.json relgate/releases.json
jq 'del(.app)' "$W/relgate/staging/state.json" >"$TMP/s.json" && cp "$TMP/s.json" "$W/relgate/staging/state.json"
mkdir -p "$W/relgate/templates" "$W/apps/api/overlays/staging" "$W/docs"
printf 'image: {{ image }}@{{ stable.digest }}\n' >"$W/relgate/templates/app.yaml.tmpl"
printf 'components:\n  - ../../../../relgate/staging  # relgate/staging\n' >"$W/apps/api/overlays/staging/kustomization.yaml"
printf 'resources: [../../base]\ncomponents: [../../../../relgate/prod]\n' >"$W/apps/api/overlays/prod/kustomization.yaml"
printf 'source:\n  path: relgate/staging\n' >"$W/docs/argo-app.yaml"
# Tracked YAML symlinks outside relgate/ (one pointing off the repository): never read, listed.
ln -s ../../../../../etc/passwd "$W/docs/outside.yaml"
ln -s argo-app.yaml "$W/docs/alias.yml"
git -C "$W" add -A && git -C "$W" commit -q -m "old single-application layout" && git -C "$W" push -q origin HEAD:main
ledger_before=$(git -C "$W" show HEAD:relgate/staging/ledger.jsonl)
head_before=$(git -C "$W" rev-parse HEAD)

NOW=2026-11-17T10:00:00Z
new_evidence "$TMP/v3.json" v3 signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --evidence "$TMP/v3.json" --repo "$W" --policy "$TMP/policy.toml"
expect_rc 2 "promote refuses the old layout"
expect_contains "$err" "promote --migrate-layout --app NAME --repo $W" "names the migration command"
run rollback --env staging --repo "$W" --app api
expect_rc 2 "rollback refuses the old layout"
expect_contains "$err" "promote --migrate-layout --app NAME" "rollback names the command too"

# Dirty tree: refused, nothing committed.
echo "# local edit" >>"$W/apps/api/overlays/prod/kustomization.yaml"
run promote --migrate-layout --app api --repo "$W"
expect_rc 2 "dirty tree refused"
expect_contains "$err" "uncommitted changes" "says why"
git -C "$W" checkout -q -- apps
expect_eq "$(git -C "$W" rev-parse HEAD)" "$head_before" "nothing committed"
run promote --migrate-layout --repo "$W"
expect_rc 2 "--app is required"
run promote --migrate-layout --app staging --repo "$W"
expect_rc 2 "an app named like an old environment folder"

run promote --migrate-layout --app api --repo "$W" --push --format json
expect_rc 0 "migration"
expect_eq "$(git -C "$W" rev-list --count "$head_before..HEAD")" "1" "one commit"
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$(git -C "$W" rev-parse HEAD)" "pushed"
expect_eq "$(git -C "$W" status --porcelain)" "" "clean after the migration"
expect_eq "$(jq -c .summary.environments <<<"$out")" '["staging"]' "environments reported"
expect_eq "$(jq -c .summary.overlays_rewritten <<<"$out")" '["apps/api/overlays/staging/kustomization.yaml:2"]' "overlay reported"
expect_eq "$(jq -c .summary.check_by_hand <<<"$out")" '["docs/argo-app.yaml"]' "other mentions listed"
expect_eq "$(jq -c .summary.symlinks_not_read <<<"$out")" '["docs/alias.yml","docs/outside.yaml"]' "symlinks listed, not read"
expect_eq "$(readlink "$W/docs/outside.yaml")" "../../../../../etc/passwd" "symlink left as it was"
expect_eq "$(git -C "$W" ls-files relgate | sort | tr '\n' ' ')" \
  "relgate/api/releases.json relgate/api/staging/known-good.json relgate/api/staging/kustomization.yaml relgate/api/staging/ledger.jsonl relgate/api/staging/state.json relgate/templates/app.yaml.tmpl " \
  "files moved, templates shared"
expect_eq "$(jq -r .app "$W/relgate/api/staging/state.json")" "api" "state.json gains its app"
expect_eq "$(cat "$W/relgate/api/staging/ledger.jsonl")" "$ledger_before" "ledger moved byte for byte"
expect_eq "$(cat "$W/apps/api/overlays/staging/kustomization.yaml")" \
  "$(printf 'components:\n  - ../../../../relgate/api/staging  # relgate/staging')" "overlay points at the new folder"
expect_eq "$(cat "$W/apps/api/overlays/prod/kustomization.yaml")" \
  "$(printf 'resources: [../../base]\ncomponents: [../../../../relgate/prod]')" "no prod folder moved: untouched"
trailers=$(git -C "$W" log -1 --format=%B | git interpret-trailers --parse)
expect_contains "$trailers" "Relgate-Action: migrate-layout" "migration trailer"

# A second run changes nothing.
run promote --migrate-layout --app api --repo "$W"
expect_rc 0 "second run"
expect_contains "$out" "nothing to migrate" "idempotent"
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$(git -C "$W" rev-parse HEAD)" "no new commit"

# The migrated application works: its release ids continue, rollback finds its known-good.
run promote --env staging --evidence "$TMP/v3.json" --repo "$W" --policy "$TMP/policy.toml" --push
expect_rc 0 "promote after the migration"
expect_contains "$out" "as rel-2026-11-17-03 (app api" "release ids continue from the moved index"
expect_eq "$(tail -1 "$W/relgate/api/staging/ledger.jsonl" | jq -r '[.seq, .app] | join(" ")')" "3 api" "ledger continues"
expect_eq "$(head -1 "$W/relgate/api/staging/rendered/app.yaml")" "image: $IMAGE@$(digest_of v3)" "shared template rendered"
run rollback --env staging --repo "$W"
expect_rc 0 "rollback picks the only application"
expect_contains "$out" "rolled staging back from rel-2026-11-17-03 to rel-2026-11-17-02" "rolled back"
# Red team: files planted to make a migrated repository look half-old. A state.json dropped into
# an application folder does not make that folder an old environment (before, every promotion was
# told to migrate, and the migration moved api's whole folder under another application).
clean=$(git -C "$W" rev-parse HEAD)
cp "$W/relgate/api/staging/state.json" "$W/relgate/api/state.json"
git -C "$W" add -A && git -C "$W" commit -q -m "a stray state.json in api's folder"
NOW=2026-11-17T11:00:00Z
new_evidence "$TMP/v4.json" v4 signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --evidence "$TMP/v4.json" --repo "$W" --policy "$TMP/policy.toml"
expect_rc 0 "a stray file in an application folder is no old layout"
run promote --migrate-layout --app other --repo "$W"
expect_rc 2 "nothing to migrate into another application"
expect_eq "$(git -C "$W" ls-files relgate/other)" "" "api's folder not moved"
# A relgate/releases.json planted beside migrated applications: promotions are refused (fail
# closed, naming it), and the migration never overwrites api's own index with it.
git -C "$W" reset -q --hard "$clean"
printf '{"schema":"relgate.releases/v1","last":{},"rejected":{}}\n' >"$W/relgate/releases.json"
git -C "$W" add -A && git -C "$W" commit -q -m "a planted old release index"
index_before=$(cat "$W/relgate/api/releases.json")
run promote --env staging --evidence "$TMP/v4.json" --repo "$W" --policy "$TMP/policy.toml"
expect_rc 2 "planted old index refused"
expect_contains "$err" "relgate/releases.json" "names the planted file"
run promote --migrate-layout --app api --repo "$W"
expect_rc 2 "migration refuses to overwrite api's index"
expect_contains "$err" "relgate/api/releases.json already exists beside the old relgate/releases.json" "says why"
expect_eq "$(cat "$W/relgate/api/releases.json")" "$index_before" "api's rejected releases kept"
expect_eq "$(git -C "$W" status --porcelain)" "" "nothing written"
finish
