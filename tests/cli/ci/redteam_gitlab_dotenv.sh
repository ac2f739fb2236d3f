#!/usr/bin/env bash
# Red team (CI wrappers, outside attacker who gets one line into a needed job's dotenv report): the
# GitLab template kept its configuration in job variables (RELGATE_PREBUILT_BIN, RELGATE_ARGS,
# RELGATE_STEP, RELGATE_JOB, RELGATE_REPORT_DIR, RELGATE_APP, RELGATE_GITOPS_REPO, ...), and GitLab
# gives variables from a needed job's dotenv report precedence over job variables
# (docs.gitlab.com/ci/variables/dotenv_variables). In the example pipeline every gate job needs
# `build`, whose dotenv is build.env, written by the project's own build script from build data
# (IMAGE_DIGEST=...): one extra line there, e.g. from a VERSION file or a tool's output with a
# newline, reconfigured the relgate job. RELGATE_PREBUILT_BIN=tools ran the checkout's
# tools/scan-gate and tools/evidence instead of relgate, inside the gate job that holds
# RELGATE_EVIDENCE_KEY: command execution and a signed ALLOW of the attacker's choosing.
# Input: build.env = "IMAGE_DIGEST=sha256:...\nRELGATE_PREBUILT_BIN=tools" (and the other names), a
# committed tools/ folder with scripts named scan-gate and evidence; include relgate.yml step
# scan-gate, needs [build].
# Proves: the template takes its configuration from the include's inputs, never from job variables:
# dotenv lines for RELGATE_PREBUILT_BIN, RELGATE_ARGS, RELGATE_STEP, RELGATE_JOB, RELGATE_REPORT_DIR,
# RELGATE_APP, RELGATE_FROM_SOURCE change nothing (relgate's scan-gate denies, reports where they
# belong); PATH entries that are relative, missing or resolve into the checkout are dropped; RELGATE_POLICY_DIR inside
# the checkout and a RELGATE_GITOPS_REPO other than the input are refused (exit 2).
# Scope: whoever writes arbitrary dotenv lines controls the job's environment anyway (LD_PRELOAD with
# a committed library, CI_SERVER_URL, RELGATE_EVIDENCE_KEY): docs/security.md, residual risks.
# Run under gitlab-ci-local (pinned in tests/ci-tools, as tests/reach/ does); several seconds.
source "$(dirname "$0")/../lib.sh"
source "$RELGATE_SOURCE_DIR/tests/reach/gitlab_lib.bash"
command -v node >/dev/null && command -v npm >/dev/null || skip "node and npm not installed"
gitlab_tools
stage_bins
export GCL_IGNORE_PREDEFINED_VARS=GITLAB_CI
unset GITHUB_ACTIONS GITLAB_CI
project="$TMP/project"
project_repo "$project"
cp "$RELGATE_SOURCE_DIR/.gitlab-ci-templates/relgate.yml" "$project/relgate.yml"
digest=sha256:$(printf api | sha256sum | cut -d' ' -f1)
subject="acme/api@$digest"
printf '{"SchemaVersion":2,"ArtifactName":"%s","ArtifactType":"container_image","Results":[{"Target":"img","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-0001","PkgName":"p","InstalledVersion":"1","FixedVersion":"2","Severity":"CRITICAL"}]}]}\n' \
  "$subject" > "$project/trivy.json"
# The attacker's stand-ins, committed to the repository.
mkdir -p "$project/tools"
for exe in scan-gate evidence; do
  printf '#!/bin/sh\necho "attacker %s ran: $*"\necho "scan-gate: ALLOW"\nexit 0\n' "$exe" > "$project/tools/$exe"
  chmod +x "$project/tools/$exe"
done
# pipeline BIN_DIR_INPUT: the example's shape; build.env is the committed build.env.in.
pipeline() {
  cat > "$project/.gitlab-ci.yml" <<YAML
build:
  stage: build
  script:
    - cp build.env.in build.env
  artifacts:
    reports:
      dotenv: build.env
include:
  - local: relgate.yml
    inputs:
      step: scan-gate
      needs: [build]
      relgate-bin-dir: "$1"
      gitops-repo: file://$TMP/gitops.git
      args: |
        --report
        trivy.json
        --subject
        acme/api@\${IMAGE_DIGEST}
YAML
}
# dotenv LINES...: build.env.in holds IMAGE_DIGEST and LINES; commits and runs the pipeline.
dotenv() {
  { echo "IMAGE_DIGEST=$digest"; printf '%s\n' "$@"; } > "$project/build.env.in"
  commit_all "$project" "build.env: $*"
  gitlab
  expect_verdict build PASS "the build job ($*)"
  expect_not_contains "$out" "attacker scan-gate ran" "the checkout's tools/scan-gate never runs ($*)"
  expect_not_contains "$out" "attacker evidence ran" "the checkout's tools/evidence never runs ($*)"
}
# A GitOps repository for the gitops-repo input (cloned before the step; scan-gate ignores it).
mkdir -p "$TMP/gitops" && git -C "$TMP/gitops" init -q -b main && echo x > "$TMP/gitops/README" &&
  commit_all "$TMP/gitops" init &&
  git clone -q --bare "$TMP/gitops" "$TMP/gitops.git"
mkdir -p "$project/policies"
printf 'version = 1\n[max]\ncritical = 100\n' > "$project/policies/scan-gate.toml"
cd "$project" || exit 1
pipeline "$bins"
dotenv RELGATE_PREBUILT_BIN=tools
expect_verdict relgate-scan-gate "FAIL 1" "the critical finding denies (relgate's scan-gate ran, not tools/scan-gate)"
rm -rf relgate-reports relgate-evidence
dotenv RELGATE_PREBUILT_BIN=tools RELGATE_ARGS=--help RELGATE_STEP=evidence RELGATE_JOB=relgate-other \
  RELGATE_REPORT_DIR=elsewhere RELGATE_APP=other RELGATE_FROM_SOURCE=true
expect_verdict relgate-scan-gate "FAIL 1" "the critical finding denies (relgate's scan-gate ran with the include's args)"
expect_contains "$(cat relgate-reports/relgate-scan-gate/scan-gate.env 2>/dev/null)" "RELGATE_SCAN_GATE_DECISION=DENY" \
  "the dotenv report is where the include puts it, saying DENY"
[ -f relgate-evidence/relgate-scan-gate.json ] || fail "the job's evidence file is named by the include, not by RELGATE_JOB"
[ ! -e elsewhere ] || fail "RELGATE_REPORT_DIR from dotenv moved the reports"

dotenv RELGATE_POLICY_DIR=policies
expect_verdict relgate-scan-gate "FAIL 2" "RELGATE_POLICY_DIR inside the checkout is refused"
expect_contains "$out" "RELGATE_POLICY_DIR (policies) is missing or inside the checkout" "the policy-folder refusal says why"

dotenv RELGATE_GITOPS_REPO=https://evil.example.com/acme/gitops.git
expect_verdict relgate-scan-gate "FAIL 2" "a RELGATE_GITOPS_REPO other than the gitops-repo input is refused"
expect_contains "$out" "RELGATE_GITOPS_REPO is not the gitops-repo input" "the URL refusal says why"

# The image's PATH: entries of a dotenv PATH that are relative, missing or resolve into the checkout
# are dropped (also for git: tools/git would print "attacker git ran"; and for cat, which reads the inputs' here-documents: tools/cat would print "attacker cat ran").
for exe in git cat; do
  printf '#!/bin/sh\necho "attacker %s ran: $*" >&2\necho --help\nexit 0\n' "$exe" > "tools/$exe" && chmod +x "tools/$exe"
done
pipeline ""
# (The job's own folder: $CI_PROJECT_DIR on GitLab, builds/<job> under gitlab-ci-local's isolation.)
# Other spellings of the checkout (/proc/self/cwd/..., //..., /./) are resolved and dropped too.
job_dir=$project/.gitlab-ci-local/builds/relgate-scan-gate
dotenv "PATH=tools:$job_dir/tools:/proc/self/cwd/tools:/$job_dir/tools:${job_dir%/*}/./relgate-scan-gate/tools:$bins:/usr/bin:/bin"
expect_verdict relgate-scan-gate "FAIL 1" "PATH entries in the checkout are dropped: relgate's scan-gate denies"
expect_contains "$out" "dropped 5 PATH entries" "the job says it dropped them"
expect_not_contains "$out" "attacker git ran" "the checkout's tools/git never runs"
expect_not_contains "$out" "attacker cat ran" "the checkout's tools/cat never runs"
finish
