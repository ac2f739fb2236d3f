#!/usr/bin/env bash
# The CI wrappers as CI runs them: action.yml checked by action-validator, and the GitLab template
# run by gitlab-ci-local (shell executor) with scan-gate, its dotenv reaching a later job, and its
# JUnit report written. Tools come from the npm registry (pinned; skipped when npm is unavailable).
source "$(dirname "$0")/../cli/lib.sh"
[ -x "$RELGATE_BIN_DIR/scan-gate" ] || skip "scan-gate not built"
command -v npm >/dev/null || skip "npm not installed"
tools="$RELGATE_BUILD_DIR/ci-tools"
if [ ! -x "$tools/node_modules/.bin/gitlab-ci-local" ] || [ ! -x "$tools/node_modules/.bin/action-validator" ]; then
  # gitlab-ci-local >= 4.74 needs Node 22; 4.72.0 runs on Debian's Node.
  npm install --silent --no-audit --no-fund --prefix "$tools" gitlab-ci-local@4.72.0 @action-validator/cli@0.6.0 \
    >"$TMP/npm.log" 2>&1 || skip "npm registry unreachable: $(tail -1 "$TMP/npm.log")"
fi

run "$tools/node_modules/.bin/action-validator" "$RELGATE_SOURCE_DIR/action.yml"
expect_rc 0 "action.yml is a valid composite action"

project="$TMP/project"
mkdir -p "$project" && cd "$project"
git init -q -b main . && git remote add origin https://gitlab.example.com/acme/api.git
git -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m init
git remote set-head origin main 2>/dev/null || true
cp "$RELGATE_SOURCE_DIR/.gitlab-ci-templates/relgate.yml" relgate.yml
cat > trivy.json <<'JSON'
{"SchemaVersion":2,"ArtifactName":"acme/api","ArtifactType":"container_image","Results":[{"Target":"acme/api (debian 12)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[
 {"VulnerabilityID":"CVE-2024-0001","PkgName":"openssl","InstalledVersion":"3.0.1","FixedVersion":"3.0.2","Severity":"CRITICAL"}]}]}
JSON
printf 'version = 1\n[max]\ncritical = 0\n' > scan.toml
cat > .gitlab-ci.yml <<YAML
include:
  - local: relgate.yml
    inputs:
      step: scan-gate
      args: "--report trivy.json --policy scan.toml --subject acme/api@sha256:$(printf api | sha256sum | cut -d' ' -f1)"
      relgate-bin-dir: $RELGATE_BIN_DIR
      allow-failure: true
report:
  stage: deploy
  needs: [relgate-scan-gate]
  script:
    - echo "decision from dotenv=\$RELGATE_SCAN_GATE_DECISION"
YAML
git add -A && git -c user.name=t -c user.email=t@example.com commit -qm pipeline
unset GITHUB_ACTIONS GITLAB_CI
# gitlab-ci-local says GITLAB_CI=false unless told, so scripts can tell a local run.
run "$tools/node_modules/.bin/gitlab-ci-local" --force-shell-executor --no-color --variable GITLAB_CI=true
expect_rc 0 "pipeline runs (scan-gate DENY is allowed to fail)"
expect_contains "$out" "scan-gate: DENY" "scan-gate ran in the job and denied the critical finding"
expect_contains "$out" "decision from dotenv=DENY" "the dotenv report reached the next job"
junit=$(find "$project" -name scan-gate.junit.xml | head -1)
[ -n "$junit" ] || fail "no JUnit report written"
[ -n "$junit" ] && expect_contains "$(cat "$junit")" "<failure" "JUnit report carries the failure"
finish
