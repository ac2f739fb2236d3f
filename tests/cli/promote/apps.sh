# Two applications in one GitOps repository: api and web promote and roll back independently
# (relgate/<app>/<env>/), each keeps its own release ids, state and ledger, and neither run touches
# the other's files. Application names: derived from the subject, --app, and bad values refused.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
P=(--repo "$TMP/work" --policy "$TMP/policy.toml" --push)
NOW=2026-11-17T09:00:00Z

IMAGE=ghcr.io/acme/api
for v in a1 a2; do new_evidence "$TMP/api-$v.json" "api-$v" signature-review:ALLOW scan-gate:ALLOW; done
IMAGE=ghcr.io/acme/web
for v in w1 w2; do new_evidence "$TMP/web-$v.json" "web-$v" signature-review:ALLOW scan-gate:ALLOW; done

# The application is the last path component of the subject's repository.
run promote --env staging --evidence "$TMP/api-a1.json" --format json "${P[@]}"
expect_rc 0 "api a1 to staging"
expect_eq "$(jq -r .summary.app <<<"$out")" "api" "app derived from ghcr.io/acme/api"
expect_eq "$(jq -c '.summary.push | [.attempts, .conflicts, (.wait_ms|type)]' <<<"$out")" '[1,0,"number"]' "push summary"
run promote --env staging --evidence "$TMP/web-w1.json" "${P[@]}"
expect_rc 0 "web w1 to staging"
expect_contains "$out" "as rel-2026-11-17-01 (app web" "web counts its own release ids"
api_state_before=$(cat "$TMP/work/relgate/api/staging/state.json")
api_ledger_before=$(cat "$TMP/work/relgate/api/staging/ledger.jsonl")

run promote --env staging --evidence "$TMP/web-w2.json" "${P[@]}"
expect_rc 0 "web w2 to staging"
expect_contains "$out" "as rel-2026-11-17-02 (app web" "web's second release"
expect_eq "$(cat "$TMP/work/relgate/api/staging/state.json")" "$api_state_before" "api state untouched by web"
expect_eq "$(cat "$TMP/work/relgate/api/staging/ledger.jsonl")" "$api_ledger_before" "api ledger untouched by web"
expect_eq "$(git -C "$TMP/work" show --stat --format= HEAD | grep -c 'relgate/api')" "0" "web's commit touches no api file"
expect_eq "$(jq -r .app "$TMP/work/relgate/web/staging/state.json")" "web" "state names its app"
expect_eq "$(jq -r '[.app, .seq|tostring] | join(" ")' "$TMP/work/relgate/web/staging/ledger.jsonl" | tr '\n' ',')" \
  "web 1,web 2," "web ledger lines carry the app"
trailers=$(git -C "$TMP/work" log -1 --format=%B | git interpret-trailers --parse)
expect_contains "$trailers" "Relgate-App: web" "commit trailer names the app"

# Another pipeline's evidence cannot land in an application's folder by naming it with --app: api's
# digest under --app web (or an application web has never had) is a DENY, nothing written.
head=$(git -C "$TMP/work" rev-parse HEAD)
for target in web api-canary; do
  run promote --env staging --app "$target" --evidence "$TMP/api-a2.json" "${P[@]}"
  expect_rc 1 "api's evidence under --app $target"
  expect_contains "$out$err" "image ghcr.io/acme/api is not application $target's" "names the mismatch ($target)"
  expect_contains "$out$err" "[apps.$target.images] allowed_names" "says how to bind ($target)"
done
expect_eq "$(git -C "$TMP/work" rev-parse HEAD)" "$head" "cross-app promotions commit nothing"
expect_eq "$(jq -r .stable.digest "$TMP/work/relgate/web/staging/state.json")" "$(digest_of web-w2)" "web still runs w2"
# An [apps.<app>.images] allowed_names binding of the image is what lets another name be used.
cat "$TMP/policy.toml" >"$TMP/bound-policy.toml"
printf '[apps.api-canary.images]
allowed_registries = ["ghcr.io"]
allowed_names = ["ghcr.io/acme/api"]
' >>"$TMP/bound-policy.toml"
run promote --env staging --app api-canary --evidence "$TMP/api-a2.json" --repo "$TMP/work" --policy "$TMP/bound-policy.toml" --push
expect_rc 0 "explicit --app bound to the image"
# The binding is the whole list: web's image is still no api-canary image.
run promote --env staging --app api-canary --evidence "$TMP/web-w1.json" --repo "$TMP/work" --policy "$TMP/bound-policy.toml" --push
expect_rc 1 "web's image is not bound to api-canary"
expect_contains "$out$err" "matches no [images] allowed_names pattern" "binding enforced"
expect_eq "$(jq -r .stable.digest "$TMP/work/relgate/api-canary/staging/state.json")" "$(digest_of api-a2)" "--app folder"

# Rollback acts on one application: web goes back to w1, api stays where it is.
run rollback --env staging --repo "$TMP/work" --app web --reason "web errors" --format json
expect_rc 0 "rollback web"
expect_eq "$(jq -r .summary.app <<<"$out")" "web" "rollback summary names the app"
expect_eq "$(jq -r .stable.digest "$TMP/work/relgate/web/staging/state.json")" "$(digest_of web-w1)" "web back to w1"
expect_eq "$(cat "$TMP/work/relgate/api/staging/state.json")" "$api_state_before" "api state untouched by web's rollback"
expect_eq "$(jq -r --arg d "$(digest_of web-w2)" '.rejected[$d].release' "$TMP/work/relgate/web/releases.json")" \
  "rel-2026-11-17-02" "web rejects w2 in its own index"
expect_eq "$(jq -r '.rejected | length' "$TMP/work/relgate/api/releases.json")" "0" "api rejects nothing"
expect_eq "$(tail -1 "$TMP/work/relgate/web/staging/ledger.jsonl" | jq -r '[.app, .action] | join(" ")')" "web rollback" \
  "rollback ledger line carries the app"

# Without --app and without evidence: several applications -> refused, listing them.
run rollback --env staging --repo "$TMP/work"
expect_rc 2 "several apps need --app"
expect_contains "$err" "several applications (api, api-canary, web): pass --app NAME" "apps listed"
# With --evidence, the subject names the application (api), whose staging has one release only.
run rollback --env staging --repo "$TMP/work" --evidence "$TMP/api-a1.json"
expect_rc 2 "api has nothing to roll back to"
expect_contains "$err" "no known-good release before rel-2026-11-17-01 in staging (relgate/api/staging/known-good.json)" \
  "the subject chose api"

# --policy means something for rollback: --env must be an environment of the application.
cat "$TMP/policy.toml" >"$TMP/apps-policy.toml"
printf '[apps.web.environments.qa]\n' >>"$TMP/apps-policy.toml"
run rollback --env staging --repo "$TMP/work" --app web --policy "$TMP/apps-policy.toml"
expect_rc 2 "staging is no environment of web in that policy"
expect_contains "$err" "--env staging: not an environment of application web in $TMP/apps-policy.toml [apps.web.environments] (known: qa)" "per-app environments"
run promote --env staging --evidence "$TMP/web-w1.json" --policy "$TMP/apps-policy.toml" --repo "$TMP/work"
expect_rc 2 "promote checks the app's environments too"
expect_contains "$err" "not an environment of $TMP/apps-policy.toml for application web (known: qa)" "promote per-app envs"

# Bad application names: exit 2 naming --app, nothing written.
head=$(git -C "$TMP/work" rev-parse HEAD)
for bad in templates API ../api "a b" -x "" "$(printf 'x\ny')" "$(printf 'a%.0s' {1..64})"; do
  run promote --env staging --evidence "$TMP/api-a2.json" --app "$bad" "${P[@]}"
  expect_rc 2 "promote --app '$bad'"
  expect_contains "$err" "--app" "promote names --app for '$bad'"
  run rollback --env staging --repo "$TMP/work" --app "$bad"
  expect_rc 2 "rollback --app '$bad'"
done
# A subject whose last path component is no valid name asks for --app.
IMAGE=ghcr.io/acme/templates
new_evidence "$TMP/templates.json" t1 signature-review:ALLOW scan-gate:ALLOW
run promote --env staging --evidence "$TMP/templates.json" "${P[@]}"
expect_rc 2 "reserved derived name"
expect_contains "$err" "pass --app NAME" "asks for --app"
expect_eq "$(git -C "$TMP/work" rev-parse HEAD)" "$head" "nothing committed by refused runs"
expect_eq "$(git -C "$TMP/work" status --porcelain)" "" "work tree clean"
finish
