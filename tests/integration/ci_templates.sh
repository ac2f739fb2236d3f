#!/usr/bin/env bash
# The CI wrappers as CI runs them: action.yml checked by action-validator, and the GitLab template
# run by gitlab-ci-local (shell executor) with scan-gate, its dotenv reaching a later job, its
# JUnit report written, and args that reach the binary as argv: no $(...), no splitting of a
# variable into extra flags, no silently dropped blank line. Tools come from the npm registry
# (pinned; skipped when npm is unavailable).
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
subject="acme/api@sha256:$(printf api | sha256sum | cut -d' ' -f1)"
cat > trivy.json <<JSON
{"SchemaVersion":2,"ArtifactName":"$subject","ArtifactType":"container_image","Results":[{"Target":"acme/api (debian 12)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[
 {"VulnerabilityID":"CVE-2024-0001","PkgName":"openssl","InstalledVersion":"3.0.1","FixedVersion":"3.0.2","Severity":"CRITICAL"}]}]}
JSON
printf 'version = 1\n[max]\ncritical = 0\n' > scan.toml
# args one per line; ${NAME} expands a CI variable inside one argument; an unbraced $HOME and a
# command substitution stay literal text (scan-gate gets them as a --env value, recorded as is).
cat > .gitlab-ci.yml <<YAML
variables:
  RG_SUBJECT: "$subject"
include:
  - local: relgate.yml
    inputs:
      step: scan-gate
      args: |
        --report
        trivy-\$HOME-\$(touch pwned-by-args).json
        --policy
        scan.toml
        --subject
        \${RG_SUBJECT}
        --env
        prod
      relgate-bin-dir: $RELGATE_BIN_DIR
      allow-failure: true
report:
  stage: deploy
  needs: [relgate-scan-gate]
  script:
    - echo "decision from dotenv=\$RELGATE_SCAN_GATE_DECISION"
YAML
# A report path that a shell would expand (every step validates --env, so the literal text rides
# on a file name, which the evidence records).
cp trivy.json 'trivy-$HOME-$(touch pwned-by-args).json'
git add -A && git -c user.name=t -c user.email=t@example.com commit -qm pipeline
unset GITHUB_ACTIONS GITLAB_CI
# gitlab-ci-local says GITLAB_CI=false unless told, so scripts can tell a local run.
run "$tools/node_modules/.bin/gitlab-ci-local" --force-shell-executor --no-color --variable GITLAB_CI=true
expect_rc 0 "pipeline runs (scan-gate DENY is allowed to fail)"
expect_contains "$out" "scan-gate: DENY" "scan-gate ran in the job and denied the critical finding"
expect_contains "$out" "decision from dotenv=DENY" "the dotenv report reached the next job"
[ -e pwned-by-args ] && fail "a \$(...) in args ran in the job's shell"
evidence=$(find "$project" -name relgate-evidence.json -not -path '*/.gitlab-ci-local/*' | head -1)
[ -n "$evidence" ] || evidence=$(find "$project" -name relgate-evidence.json | head -1)
if [ -n "$evidence" ]; then
  expect_contains "$(cat "$evidence")" 'trivy-$HOME-$(touch pwned-by-args).json' "args reached the binary as literal text"
  expect_contains "$(cat "$evidence")" "${subject#acme/api@}" "\${RG_SUBJECT} expanded into one argument"
else
  fail "no evidence file written"
fi
junit=$(find "$project" -name scan-gate.junit.xml | head -1)
[ -n "$junit" ] || fail "no JUnit report written"
[ -n "$junit" ] && expect_contains "$(cat "$junit")" "<failure" "JUnit report carries the failure"

# A variable whose value holds newlines and flags stays ONE argument: before, it split into extra
# flags (here a permissive policy) and turned the DENY into an ALLOW.
printf 'version = 1\n[max]\ncritical = 100\n' > allow-all.toml
git add -A && git -c user.name=t -c user.email=t@example.com commit -qm allow-all
run "$tools/node_modules/.bin/gitlab-ci-local" --force-shell-executor --no-color --variable GITLAB_CI=true \
  --variable "RG_SUBJECT=$subject
--policy
allow-all.toml" relgate-scan-gate
expect_not_contains "$out" "scan-gate: ALLOW" "a variable with newlines did not add --policy allow-all.toml"
expect_contains "$out" "digest needs 64 hex characters" "the whole multi-line value was one (invalid) --subject"

# A blank line between arguments fails the job instead of shifting the next argument.
sed -i 's/^        --policy$/        --policy\n/' .gitlab-ci.yml
git add -A && git -c user.name=t -c user.email=t@example.com commit -qm blank
run "$tools/node_modules/.bin/gitlab-ci-local" --force-shell-executor --no-color --variable GITLAB_CI=true relgate-scan-gate
expect_contains "$out" "is empty; give one argument per line" "a blank line in args is an error"
expect_not_contains "$out" "scan-gate: DENY" "the step did not run with shifted arguments"
finish
