#!/usr/bin/env bash
# Red team (CI wrappers): two ways round the GitLab template's checks of the checkout.
# 1. The first-step PATH clean-up matched entries by text only: a dotenv PATH naming the checkout's
#    tools/ as /proc/self/cwd/tools, //<checkout>/tools or <parent>/./<checkout>/tools was kept, and
#    the checkout's cat (then git, the steps) ran in the gate job.
# 2. The tracked-file checks (relgate-evidence/, relgate-reports/, .relgate-cache) asked git and
#    skipped the check when git failed: in a checkout another uid owns, git refuses the repository
#    ("dubious ownership") and the tracked files passed.
# Proves: every PATH entry is resolved with the shell's own cd -P / pwd -P and dropped when it lies in
# the checkout or does not resolve (under dash and bash, which keeps a leading // in pwd -P); the
# tracked-file check lists a checkout another uid owns (safe.directory='*') and refuses its tracked
# files, and fails closed (exit 2, naming why) when a .git is present but git cannot list it.
# The shell text is cut from .gitlab-ci-templates/relgate.yml itself (a unit test of the template's
# before_script); redteam_gitlab_dotenv.sh runs the PATH case under gitlab-ci-local.
source "$(dirname "$0")/../lib.sh"
command -v dash >/dev/null || skip "dash not installed"
template="$RELGATE_SOURCE_DIR/.gitlab-ci-templates/relgate.yml"
# The PATH clean-up: from its comment to its export.
awk '/# First, before any command is looked up/{f=1} f{print} /export PATH="\$relgate_path"/{exit}' \
  "$template" > "$TMP/path_clean.sh"
grep -q 'export PATH="$relgate_path"' "$TMP/path_clean.sh" || fail "the PATH clean-up was not found in the template"
printf 'cat </dev/null\necho "PATH now: $PATH" >&2\n' >> "$TMP/path_clean.sh"
# The tracked-file check: the function, then a call as the template makes it.
awk '/^      relgate_refuse_tracked\(\) \{/{f=1} f{print} f&&/^      \}$/{exit}' "$template" > "$TMP/tracked.sh"
grep -q 'safe.directory' "$TMP/tracked.sh" || fail "relgate_refuse_tracked was not found in the template"
printf 'relgate_refuse_tracked "TRACKED: remove them" relgate-evidence relgate-reports .relgate-cache\necho "check passed"\n' >> "$TMP/tracked.sh"

# 1. The checkout's tools/cat under other spellings of the checkout.
parent="$TMP/gl" && web="$parent/web"
mkdir -p "$web/tools" && ln -s web "$parent/link"
printf '#!/bin/sh\necho "attacker cat ran" >&2\nexit 0\n' > "$web/tools/cat" && chmod +x "$web/tools/cat"
cd "$web" || exit 1
for sh in dash bash; do for entry in tools "$web/tools" /proc/self/cwd/tools "/$web/tools" "//$web/tools" "$parent/./web/tools" \
  "$web/../web/tools" "$parent/link/tools" "$web/tools/" "$TMP/missing"; do
  run env PATH="$entry:/usr/bin:/bin" "$sh" "$TMP/path_clean.sh"
  expect_rc 0 "the clean-up runs ($sh, $entry)"
  expect_not_contains "$out$err" "attacker cat ran" "the checkout's cat never runs ($sh, PATH entry $entry)"
  expect_contains "$err" "dropped 1 PATH entries that are relative, missing or inside the checkout" "the entry is dropped ($sh, $entry)"
  expect_contains "$err" "PATH now: /usr/bin:/bin" "the other entries stay ($sh, $entry)"
done; done
# A folder outside the checkout, also spelled through /proc/self/cwd/.., stays.
mkdir -p "$TMP/outside"
run env PATH="$TMP/outside:/proc/self/cwd/../../outside:/usr/bin:/bin" dash "$TMP/path_clean.sh"
expect_contains "$err" "PATH now: $TMP/outside:/proc/self/cwd/../../outside:/usr/bin:/bin" "entries outside the checkout stay"
expect_not_contains "$err" "dropped" "nothing outside the checkout is dropped"

# 2. A checkout that tracks relgate-evidence/, owned by another uid (git: dubious ownership).
# (chown needs root; no global or system git config may trust the folder.)
[ "$(id -u)" = 0 ] || { echo "not root: the other-owner case is not run"; finish; }
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_SYSTEM=/dev/null
own="$TMP/own"
mkdir -p "$own/relgate-evidence" && git -C "$own" init -q && echo '{}' > "$own/relgate-evidence/relgate-scan-gate.json" &&
  git -C "$own" add -A && git -C "$own" -c user.email=a@b -c user.name=a commit -qm x && chown -R nobody "$own"
cd "$own" || exit 1
git ls-files >/dev/null 2>&1 && fail "git (without safe.directory) should refuse a checkout another uid owns"
run dash "$TMP/tracked.sh"
expect_rc 2 "tracked relgate-evidence/ in a checkout another uid owns is refused"
expect_contains "$err" "relgate: TRACKED: remove them" "the refusal names the tracked files' fix"
expect_not_contains "$out" "check passed" "the job stops"
# git cannot list the repository at all (a broken .git): fail closed, naming why.
rm -f .git/HEAD
run dash "$TMP/tracked.sh"
expect_rc 2 "a .git that git cannot list is an error, never a pass"
expect_contains "$err" "has a .git but git cannot list its tracked files" "the error says why"
# No git in the image, with a .git: fail closed too.
run env PATH=/nonexistent /bin/dash "$TMP/tracked.sh"
expect_rc 2 "a .git without git on PATH is an error"
# No .git (GIT_STRATEGY: none): nothing to list, the check passes.
rm -rf .git
run dash "$TMP/tracked.sh"
expect_rc 0 "no .git: no tracked files"
expect_contains "$out" "check passed" "the job goes on"
finish
