# git never takes orders from the job's environment or from the GitOps repository it operates on
# (issue 9 follow-up): GIT_* variables are cleared (except the commit identity and settings that
# only narrow what git reads), hooks and core.fsmonitor never run.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$(dirname "$0")/gitops_fixture.bash"

new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
write_test_policy "$TMP/policy.toml"
new_evidence "$TMP/v1.json" v1 signature-review:ALLOW scan-gate:ALLOW

# The repository's own config and hooks try to run a command; so do GIT_* variables of the job.
mkdir -p "$TMP/hooks-ran"
for hook in pre-commit commit-msg post-commit reference-transaction pre-push post-checkout; do
  printf '#!/bin/sh\ntouch "%s/%s"\n' "$TMP/hooks-ran" "$hook" >"$TMP/work/.git/hooks/$hook"
  chmod +x "$TMP/work/.git/hooks/$hook"
done
printf '#!/bin/sh\ntouch "%s/fsmonitor"\n' "$TMP/hooks-ran" >"$TMP/fsmonitor.sh"
chmod +x "$TMP/fsmonitor.sh"
git -C "$TMP/work" config core.fsmonitor "$TMP/fsmonitor.sh"
printf '#!/bin/sh\ntouch "%s/env-config"\n' "$TMP/hooks-ran" >"$TMP/from-env.sh"
chmod +x "$TMP/from-env.sh"

GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.fsmonitor GIT_CONFIG_VALUE_0="$TMP/from-env.sh" \
  GIT_DIR="$TMP/nowhere" GIT_WORK_TREE="$TMP/nowhere" GIT_EXEC_PATH="$TMP/nowhere" \
  GIT_SSH_COMMAND="$TMP/from-env.sh" GIT_ASKPASS="$TMP/from-env.sh" \
  run promote --env staging --evidence "$TMP/v1.json" --repo "$TMP/work" --policy "$TMP/policy.toml" --push
expect_rc 0 "promote with hostile GIT_* variables, hooks and fsmonitor"
expect_eq "$(ls "$TMP/hooks-ran")" "" "no hook, fsmonitor or GIT_* command ran"
expect_eq "$(git --git-dir="$TMP/remote.git" log -1 --format=%s main | cut -c1-7)" "$(git -C "$TMP/work" log -1 --format=%s | cut -c1-7)" "pushed"
# The commit identity is still taken from the environment.
expect_eq "$(git -C "$TMP/work" log -1 --format=%an)" "relgate-test" "GIT_AUTHOR_NAME kept"

finish
