#!/usr/bin/env bash
# Red team (CI wrappers, outside attacker who gets one line into a needed job's dotenv report): the
# GitLab template keeps its configuration in job variables (RELGATE_PREBUILT_BIN, RELGATE_ARGS,
# RELGATE_STEP, RELGATE_JOB, RELGATE_REPORT_DIR, RELGATE_APP, RELGATE_GITOPS_REPO, ...), and GitLab
# gives variables from a needed job's dotenv report precedence over job variables
# (docs.gitlab.com/ci/variables/dotenv_variables). In the example pipeline every gate job needs
# `build`, whose dotenv is build.env, written by the project's own build script from build data
# (IMAGE_DIGEST=...): one extra line there, e.g. from a VERSION file or a tool's output with a
# newline, reconfigures the relgate job. RELGATE_PREBUILT_BIN=tools runs the checkout's
# tools/scan-gate and tools/evidence instead of relgate, inside the gate job that holds
# RELGATE_EVIDENCE_KEY: command execution and a signed ALLOW of the attacker's choosing.
# Input: build.env = "IMAGE_DIGEST=sha256:...\nRELGATE_PREBUILT_BIN=tools", a committed tools/
# folder with scripts named scan-gate and evidence; include relgate.yml step scan-gate, needs [build].
# Scope: whoever writes arbitrary dotenv lines controls the job's environment anyway (LD_PRELOAD,
# PATH); the template's part is that a folder name (no binary) or a RELGATE_ARGS line is enough, and
# that RELGATE_ARGS/RELGATE_STEP can weaken the gate with no code run at all.
# Run under gitlab-ci-local (pinned in tests/ci-tools, as tests/reach/ does); several seconds.
source "$(dirname "$0")/../lib.sh"
skip "defect: the GitLab template's job variables (RELGATE_PREBUILT_BIN, RELGATE_ARGS, RELGATE_STEP, ...) are overridden by a needed job's dotenv report: build.env line RELGATE_PREBUILT_BIN=tools runs the checkout's tools/scan-gate in the gate job"
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
cat > "$project/.gitlab-ci.yml" <<YAML
build:
  stage: build
  script:
    - printf 'IMAGE_DIGEST=$digest\nRELGATE_PREBUILT_BIN=tools\n' > build.env
  artifacts:
    reports:
      dotenv: build.env
include:
  - local: relgate.yml
    inputs:
      step: scan-gate
      needs: [build]
      relgate-bin-dir: $bins
      args: |
        --report
        trivy.json
        --subject
        acme/api@\${IMAGE_DIGEST}
YAML
commit_all "$project" "pipeline"
cd "$project" || exit 1
gitlab
expect_verdict build PASS "the build job"
expect_not_contains "$out" "attacker scan-gate ran" "the checkout's tools/scan-gate never runs in the relgate job"
expect_verdict relgate-scan-gate "FAIL 1" "the critical finding denies (relgate's scan-gate ran)"
finish
