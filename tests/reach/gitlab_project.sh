#!/usr/bin/env bash
# The project's own .gitlab-ci.yml, checked by gitlab-ci-local 4.72.0 (its JSON-schema validation,
# rules, needs): a branch pipeline runs only `test` (.ci/run = scripts/test.sh); a release tag
# v<CMake project version> adds the release files (scripts/release.sh, signed), the kaniko image
# from the Dockerfile and the GitLab release; another tag adds nothing. Jobs are listed, not run.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/gitlab_lib.bash"
gitlab_tools
unset GITLAB_CI GITHUB_ACTIONS
# gitlab-ci-local wants a git project: a scratch one holding the file, so the tree stays untouched.
project="$TMP/project"
project_repo "$project" && cd "$project"
git remote set-head origin main 2>/dev/null || true
cp "$RELGATE_SOURCE_DIR/.gitlab-ci.yml" .gitlab-ci.yml
commit_all "$project" ci
version=$(sed -n 's/^project(relgate VERSION \([0-9.]*\).*/\1/p' "$RELGATE_SOURCE_DIR/CMakeLists.txt")
jobs() { # jobs ARGS...: the job names gitlab-ci-local --list shows
  run "$gcl" --list --no-color "$@"
  expect_rc 0 "gitlab-ci-local --list $*"
  printf '%s\n' "$out" | awk 'seen {print $1} /^name +description/ {seen=1}' | tr '\n' ' '
}
expect_eq "$(jobs)" "test " "a branch pipeline runs the tests only"
expect_eq "$(jobs --variable "CI_COMMIT_TAG=v$version")" "test release-files container-image release " \
  "a release tag builds, uploads and publishes"
expect_eq "$(jobs --variable "CI_COMMIT_TAG=v$version-rc1")" "test " "a tag that is not a release version publishes nothing"
run "$gcl" --preview --no-color --variable "CI_COMMIT_TAG=v$version"
expect_rc 0 "gitlab-ci-local --preview"
for needle in ".ci/run" "scripts/bootstrap.sh --profile build" 'scripts/release.sh --out dist --signing-key "$RELGATE_RELEASE_KEY"' \
  "/kaniko/executor" '--dockerfile "$CI_PROJECT_DIR/Dockerfile"' 'tag_name: $CI_COMMIT_TAG' "SHA256SUMS.sig"; do
  expect_contains "$out" "$needle" "the tag pipeline runs $needle"
done
[ -x "$RELGATE_SOURCE_DIR/.ci/run" ] || fail ".ci/run (the test job's command) is missing"
finish
