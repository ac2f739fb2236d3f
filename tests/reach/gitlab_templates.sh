#!/usr/bin/env bash
# The GitLab template (.gitlab-ci-templates/relgate.yml) as GitLab runs it, under gitlab-ci-local
# 4.72.0 (pinned in tests/ci-tools) with --shell-isolation, so every job has its own folder and sees
# only the artifacts its needs: bring (as on real runners). --force-shell-executor runs the jobs on
# the host: the template's default image (ghcr.io/relgate/relgate:<version>) cannot run here (no
# container engine), so relgate-bin-dir points at the build's binaries.
# Checks: the template's version pins match CMake's project version; args reach the binary as argv
# (no $(...), no splitting of a variable into extra flags, no silently dropped blank line: the
# issue-9 fixes); report-only warns on DENY (exit 1) but an error (exit 2) still fails; dotenv and
# JUnit reports per job; build-from-source fetches relgate-ref with CI_JOB_TOKEN (never printed),
# builds with bootstrap.sh --profile build, and reuses its cache until the ref's commit changes.
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/gitlab_lib.bash"
template="$RELGATE_SOURCE_DIR/.gitlab-ci-templates/relgate.yml"

# The template pins its own version: image tag, source ref and cache key follow the CMake project.
version=$(sed -n 's/^project(relgate VERSION \([0-9.]*\).*/\1/p' "$RELGATE_SOURCE_DIR/CMakeLists.txt")
[ -n "$version" ] || fail "no project version in CMakeLists.txt"
expect_contains "$(cat "$template")" "default: ghcr.io/relgate/relgate:$version" "image defaults to the relgate image of this version"
expect_contains "$(cat "$template")" "default: v$version
" "relgate-ref defaults to this version's tag"
expect_contains "$(cat "$template")" "key: relgate-$version
" "the source-build cache is keyed by this version"
expect_not_contains "$(cat "$template")" "default: main" "never builds main"
[ "$(grep -c 'ghcr.io/relgate/relgate:' "$template")" = "$(grep -c "ghcr.io/relgate/relgate:$version" "$template")" ] ||
  fail "an image reference in the template is not version $version"

gitlab_tools
export GCL_IGNORE_PREDEFINED_VARS=GITLAB_CI
unset GITHUB_ACTIONS GITLAB_CI
stage_bins

project="$TMP/project"
project_repo "$project" && cd "$project"
git remote set-head origin main 2>/dev/null || true
cp "$template" relgate.yml
subject="acme/api@sha256:$(printf api | sha256sum | cut -d' ' -f1)"
cat > trivy.json <<JSON
{"SchemaVersion":2,"ArtifactName":"$subject","ArtifactType":"container_image","Results":[{"Target":"acme/api (debian 12)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[
 {"VulnerabilityID":"CVE-2024-0001","PkgName":"openssl","InstalledVersion":"3.0.1","FixedVersion":"3.0.2","Severity":"CRITICAL"}]}]}
JSON
printf 'version = 1\n[max]\ncritical = 0\n' > scan.toml
# args one per line; ${NAME} expands a CI variable inside one argument; an unbraced $HOME and a
# command substitution stay literal text (they ride on a --report file name, recorded in the evidence).
cat > .gitlab-ci.yml <<YAML
variables:
  RG_SUBJECT: "$subject"
include:
  - local: relgate.yml
    inputs:
      step: scan-gate
      needs: []
      args: |
        --report
        trivy-\$HOME-\$(touch pwned-by-args).json
        --policy
        scan.toml
        --subject
        \${RG_SUBJECT}
        --env
        prod
      relgate-bin-dir: $bins
      report-only: true
  - local: relgate.yml
    inputs:
      step: evidence
      stage: deploy
      needs: [relgate-scan-gate]
      args: show
      relgate-bin-dir: $bins
report:
  stage: deploy
  needs: [relgate-scan-gate]
  script:
    - echo "decision from dotenv=\$RELGATE_SCAN_GATE_DECISION"
YAML
cp trivy.json 'trivy-$HOME-$(touch pwned-by-args).json'
commit_all "$project" pipeline
gitlab
expect_rc 0 "pipeline runs (scan-gate DENY is report-only)"
expect_verdict relgate-scan-gate "WARN 1" "report-only: a DENY (exit 1) warns"
expect_verdict report PASS "the next job ran"
expect_verdict relgate-evidence PASS "the evidence job ran"
expect_contains "$out" "scan-gate: DENY" "scan-gate ran in the job and denied the critical finding"
expect_contains "$out" "decision from dotenv=DENY" "the dotenv report (relgate-reports/<job>/scan-gate.env) reached the next job"
expect_contains "$out" "relgate-evidence/relgate-evidence.json: merged 1 records" "the evidence job merged the gate job's evidence artifact"
builds="$project/.gitlab-ci-local/builds"
[ -n "$(find "$project" -name pwned-by-args)" ] && fail "a \$(...) in args ran in the job's shell"
evidence="$builds/relgate-scan-gate/relgate-evidence/relgate-scan-gate.json"
if [ -f "$evidence" ]; then
  expect_contains "$(cat "$evidence")" 'trivy-$HOME-$(touch pwned-by-args).json' "args reached the binary as literal text"
  expect_contains "$(cat "$evidence")" "${subject#acme/api@}" "\${RG_SUBJECT} expanded into one argument"
else
  fail "no evidence file relgate-evidence/relgate-scan-gate.json written"
fi
junit="$builds/relgate-scan-gate/relgate-reports/relgate-scan-gate/scan-gate.junit.xml"
[ -f "$junit" ] && expect_contains "$(cat "$junit")" "<failure" "JUnit report carries the failure"
[ -f "$junit" ] || fail "no JUnit report relgate-reports/relgate-scan-gate/scan-gate.junit.xml"

# A variable whose value holds newlines and flags stays ONE argument: before, it split into extra
# flags (here a permissive policy) and turned the DENY into an ALLOW.
printf 'version = 1\n[max]\ncritical = 100\n' > allow-all.toml
commit_all "$project" allow-all
gitlab --variable "RG_SUBJECT=$subject
--policy
allow-all.toml" relgate-scan-gate
expect_not_contains "$out" "scan-gate: ALLOW" "a variable with newlines did not add --policy allow-all.toml"
expect_contains "$out" "digest needs 64 hex characters" "the whole multi-line value was one (invalid) --subject"
expect_verdict relgate-scan-gate "FAIL 2" "report-only: an error (exit 2) still fails the job"
# (gitlab-ci-local exits 0 here: an allow_failure object counts as "may fail" whatever the code.)

# A blank line between arguments fails the job instead of shifting the next argument.
sed -i 's/^        --policy$/        --policy\n/' .gitlab-ci.yml
commit_all "$project" blank
gitlab relgate-scan-gate
expect_contains "$out" "is empty; give one argument per line" "a blank line in args is an error"
expect_not_contains "$out" "scan-gate: DENY" "the step did not run with shifted arguments"
expect_verdict relgate-scan-gate "FAIL 2" "a blank line fails the job even when report-only"

# build-from-source: a stand-in relgate project (a bare repo with a tag v$version whose bootstrap.sh
# records its arguments and links the real binaries) served under a URL on "this GitLab server".
# git's url.<base>.insteadOf maps the token URL to the bare repo, so the clone succeeds only if
# the template put gitlab-ci-token:$CI_JOB_TOKEN into it.
src="$TMP/relgate-src"
mkdir -p "$src/scripts" && git -C "$src" init -q -b main
cat > "$src/scripts/bootstrap.sh" <<'SH'
#!/bin/sh
# Stand-in for relgate's bootstrap.sh: records how it was called, links the real binaries.
echo "$*" >> "$RELGATE_BOOTSTRAP_LOG"
while [ $# -gt 0 ]; do case $1 in --build-dir) dir=$2; shift ;; esac; shift; done
mkdir -p "$dir/bin" && for f in "$RELGATE_REAL_BIN"/*; do ln -sf "$f" "$dir/bin/"; done
SH
chmod +x "$src/scripts/bootstrap.sh"
commit_all "$src" v1 && git -C "$src" tag "v$version"
git clone -q --bare "$src" "$TMP/relgate.git"
token="glcbt-secret-$(date +%s%N)"
cat > .gitlab-ci.yml <<YAML
variables:
  RG_SUBJECT: "$subject"
include:
  - local: relgate.yml
    inputs:
      step: scan-gate
      needs: []
      args: |
        --report
        trivy.json
        --policy
        allow-all.toml
        --subject
        \${RG_SUBJECT}
      build-from-source: true
      relgate-repo: https://gitlab.example.com/platform/relgate.git
YAML
commit_all "$project" from-source
build_run() {
  gitlab --variable CI_SERVER_URL=https://gitlab.example.com --variable "CI_JOB_TOKEN=$token" \
    --variable "RELGATE_BOOTSTRAP_LOG=$TMP/bootstrap.log" --variable "RELGATE_REAL_BIN=$bins" \
    --variable GIT_CONFIG_COUNT=1 \
    --variable "GIT_CONFIG_KEY_0=url.file://$TMP/relgate.git.insteadOf" \
    --variable "GIT_CONFIG_VALUE_0=https://gitlab-ci-token:$token@gitlab.example.com/platform/relgate.git" \
    relgate-scan-gate
}
rm -f "$TMP/bootstrap.log"
build_run
expect_verdict relgate-scan-gate PASS "a job built from source (fetched with CI_JOB_TOKEN) runs the step"
expect_contains "$out" "scan-gate: ALLOW" "the source-built step decided"
expect_contains "$out" "relgate: building scan-gate from v$version" "first run builds the template's own version"
expect_eq "$(cat "$TMP/bootstrap.log" 2>/dev/null)" "--profile build --build-dir $builds/relgate-scan-gate/.relgate-cache/build --targets scan-gate evidence" \
  "bootstrap.sh builds only the step (and evidence) with the build profile"
expect_not_contains "$out" "$token" "CI_JOB_TOKEN never reaches the job log"
grep -rqs -- "$token" "$project/.gitlab-ci-local/cache" && fail "CI_JOB_TOKEN was stored in the cache"
build_run
expect_contains "$out" "relgate: scan-gate from v$version" "second run: same commit, the cached build is used"
expect_not_contains "$out" "relgate: building" "second run did not build"
expect_eq "$(wc -l < "$TMP/bootstrap.log")" 1 "bootstrap.sh ran once for one commit"
# The tag moves (a re-tagged release): the cache is refreshed.
git -C "$src" -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m v1-fix
git -C "$src" tag -f "v$version" >/dev/null && git -C "$src" push -q -f "$TMP/relgate.git" "v$version"
build_run
expect_contains "$out" "relgate: building scan-gate from v$version ($(git -C "$src" rev-parse HEAD))" "a new commit under the ref rebuilds"
expect_eq "$(wc -l < "$TMP/bootstrap.log")" 2 "bootstrap.sh ran again for the new commit"
finish
