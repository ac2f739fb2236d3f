# The GitHub action's `app` input (action.yml -> RELGATE_APP -> scripts/action-run.sh -> --app=NAME):
# two services promoted through the action's run script into one GitOps remote land in their own
# folders; a bad value never reaches the binary as an option; other steps refuse the input.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/cli/promote/gitops_fixture.bash"
command -v git >/dev/null || skip "git not installed"
RUN=$RELGATE_SOURCE_DIR/scripts/action-run.sh
# Both images are called .../server: only the app input tells the two services apart, and the policy
# binds each application to its image (without a binding, --app must be the subject's last component).
printf 'version = 1\n%s\n[environments.staging]\n' "$EVIDENCE_SECTION" >"$TMP/policy.toml"
for a in api web; do
  printf '[apps.%s.images]\nallowed_names = ["ghcr.io/acme/%s/server"]\n' "$a" "$a" >>"$TMP/policy.toml"
done
new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/gitops"
IMAGE=ghcr.io/acme/api/server new_evidence "$TMP/api.json" api-v1
IMAGE=ghcr.io/acme/web/server new_evidence "$TMP/web.json" web-v1
action() { # action APP EVIDENCE [extra env...]: the run step as action.yml calls it
  local app=$1 ev=$2; shift 2
  run env "$@" RELGATE_STEP=promote RELGATE_APP="$app" RELGATE_EVIDENCE="$ev" RELGATE_POLICY="$TMP/policy.toml" \
    RELGATE_FORMAT=json RELGATE_BIN_DIR="$RELGATE_BIN_DIR" GITHUB_OUTPUT="$TMP/github_output" \
    RELGATE_ARGS=$'--now\n'"$NOW"$'\n--repo\n'"$TMP/gitops"$'\n--env\nstaging\n--push' "$RUN"
}
: >"$TMP/github_output"
action api "$TMP/api.json"
expect_rc 0 "api promoted through the action"
expect_eq "$(jq -r .summary.app <<<"$out")" "api" "--app=api reached promote"
action web "$TMP/web.json"
expect_rc 0 "web promoted through the action"
expect_eq "$(jq -r .summary.app <<<"$out")" "web" "--app=web reached promote"
git clone -q "$TMP/remote.git" "$TMP/check"
expect_eq "$(jq -r .stable.digest "$TMP/check/relgate/api/staging/state.json")" "$(digest_of api-v1)" "api's folder holds api"
expect_eq "$(jq -r .stable.digest "$TMP/check/relgate/web/staging/state.json")" "$(digest_of web-v1)" "web's folder holds web"
[ ! -e "$TMP/check/relgate/server" ] || fail "the default app (server) was used instead of the input"

# A value that is not a plain name fails before anything runs (never an option or a second argument).
for bad in "--push" $'api\n--force' "API" "../web" "a b"; do
  action "$bad" "$TMP/api.json"
  expect_rc 2 "app '$bad' refused"
  expect_contains "$err" "is not an application name" "app '$bad': named"
done
expect_eq "$(git -C "$TMP/remote.git" rev-list --count main)" "3" "refused values pushed nothing"
run env RELGATE_STEP=scan-gate RELGATE_APP=api RELGATE_BIN_DIR="$RELGATE_BIN_DIR" "$RUN"
expect_rc 2 "app on scan-gate refused"
expect_contains "$err" "only promote and rollback take an application" "named"
finish
