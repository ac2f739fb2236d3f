#!/usr/bin/env bash
# Red team (CI wrappers, outside attacker who commits files to the repository): with
# build-from-source, the GitLab template builds relgate into .relgate-cache/ (the job's cache
# folder, inside the checkout) and skips the build when .relgate-cache/built-commit says
# "<commit of relgate-ref>:<step>" and .relgate-cache/build/bin/<step> is executable. The checkout
# can carry both: the commit of a public relgate tag is public, and only relgate-evidence/ and
# relgate-reports/ are refused when tracked. A repository that commits
#   .relgate-cache/built-commit        "<commit of v0.1.0>:scan-gate"
#   .relgate-cache/build/bin/scan-gate (and evidence): its own scripts
# has them run as relgate in the gate job, which holds RELGATE_EVIDENCE_KEY (on a first run of the
# cache key, or wherever the cache restore does not replace those files).
# Proves: the template refuses a repository that tracks .relgate-cache (exit 2, naming the folder and
# the fix) before anything in it runs, as it refuses tracked relgate-evidence/ and relgate-reports/.
# (The red team's first expectation, a build from relgate-ref and a DENY, is a fail-open variant of
# the same: the committed files would still sit under the cache folder the job then saves.)
# Run under gitlab-ci-local (pinned in tests/ci-tools, as tests/reach/ does); several seconds.
source "$(dirname "$0")/../lib.sh"
source "$RELGATE_SOURCE_DIR/tests/reach/gitlab_lib.bash"
command -v node >/dev/null && command -v npm >/dev/null || skip "node and npm not installed"
gitlab_tools
stage_bins
export GCL_IGNORE_PREDEFINED_VARS=GITLAB_CI
unset GITHUB_ACTIONS GITLAB_CI
version=$(sed -n 's/^project(relgate VERSION \([0-9.]*\).*/\1/p' "$RELGATE_SOURCE_DIR/CMakeLists.txt")

# A stand-in relgate project with the template's tag; its bootstrap.sh links the real binaries.
src="$TMP/relgate-src"
mkdir -p "$src/scripts" && git -C "$src" init -q -b main
cat > "$src/scripts/bootstrap.sh" <<'SH'
#!/bin/sh
echo "relgate bootstrap ran"
while [ $# -gt 0 ]; do case $1 in --build-dir) dir=$2; shift ;; esac; shift; done
mkdir -p "$dir/bin" && for f in "$RELGATE_REAL_BIN"/*; do ln -sf "$f" "$dir/bin/"; done
SH
chmod +x "$src/scripts/bootstrap.sh"
commit_all "$src" v1 && git -C "$src" tag "v$version"
git clone -q --bare "$src" "$TMP/relgate.git"
tag_commit=$(git -C "$src" rev-parse HEAD)

project="$TMP/project"
project_repo "$project"
cp "$RELGATE_SOURCE_DIR/.gitlab-ci-templates/relgate.yml" "$project/relgate.yml"
subject="acme/api@sha256:$(printf api | sha256sum | cut -d' ' -f1)"
printf '{"SchemaVersion":2,"ArtifactName":"%s","ArtifactType":"container_image","Results":[{"Target":"img","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-0001","PkgName":"p","InstalledVersion":"1","FixedVersion":"2","Severity":"CRITICAL"}]}]}\n' \
  "$subject" > "$project/trivy.json"
# The attacker's commit: a "cached build" that matches the public tag.
mkdir -p "$project/.relgate-cache/build/bin"
printf '%s:scan-gate\n' "$tag_commit" > "$project/.relgate-cache/built-commit"
for exe in scan-gate evidence; do
  printf '#!/bin/sh\necho "attacker %s ran: $*"\necho "scan-gate: ALLOW"\nexit 0\n' "$exe" > "$project/.relgate-cache/build/bin/$exe"
  chmod +x "$project/.relgate-cache/build/bin/$exe"
done
cat > "$project/.gitlab-ci.yml" <<YAML
include:
  - local: relgate.yml
    inputs:
      step: scan-gate
      needs: []
      build-from-source: true
      relgate-repo: file://$TMP/relgate.git
      args: |
        --report
        trivy.json
        --subject
        $subject
YAML
git -C "$project" add -f .relgate-cache && commit_all "$project" "planted build cache"
cd "$project" || exit 1
gitlab --variable "RELGATE_REAL_BIN=$bins" relgate-scan-gate
expect_not_contains "$out" "attacker scan-gate ran" "the repository's .relgate-cache/build/bin/scan-gate never runs"
expect_not_contains "$out" "attacker evidence ran" "the repository's .relgate-cache/build/bin/evidence never runs"
expect_contains "$out" "relgate: the repository tracks .relgate-cache" "the job names the tracked cache folder"
expect_verdict relgate-scan-gate "FAIL 2" "a tracked cache folder is an error, never a pass"
# The same pipeline without the committed cache builds relgate from relgate-ref and denies.
git rm -rq --cached .relgate-cache && rm -rf .relgate-cache && commit_all "$project" "no planted cache"
gitlab --variable "RELGATE_REAL_BIN=$bins" relgate-scan-gate
expect_contains "$out" "relgate bootstrap ran" "relgate is built from relgate-ref"
expect_verdict relgate-scan-gate "FAIL 1" "the critical finding denies (relgate's scan-gate ran)"
finish
