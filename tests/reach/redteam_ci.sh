#!/usr/bin/env bash
# Red-team checks of the CI wrappers (issue 10), each an attack that once got through:
# - action-run.sh `output`: the report file must stay in the workspace / runner temp and never replace
#   the runner's command files ($GITHUB_ENV: report text would set BASH_ENV, LD_PRELOAD, ... for every
#   later step); '..' and a symlinked folder from the checkout are resolved first.
# - action-run.sh: a step that wrote decision=ALLOW and then crashed (or whose report could not be
#   moved into place) must publish decision=ERROR, not leave the ALLOW as the output.
# - action-install.sh: the tarball that is unpacked is the one that was hashed (a writer of the shared
#   download/cache folder swapped it between the check and `tar -x`); a mirror that sends more than
#   any release (or never stops) is cut off at a size cap instead of filling the runner's disk.
# - workflows: every job that reads a secret (other than GITHUB_TOKEN) names an environment, since
#   a repository secret reaches the workflow file of any branch (workflow_dispatch, a pushed tag or
#   branch): the evidence key, the GitOps token and the release key stay behind deployment rules.
# - GitLab template: files the checkout carries under relgate-evidence/ and relgate-reports/ (a merge
#   request can commit them) never pass for this job's records or reports: a planted <step>.env
#   with DECISION=ALLOW was the dotenv of a job that failed before relgate ran, and a planted own
#   evidence file became the job's base (gitlab-ci-local --shell-isolation, one small pipeline).
# The wrappers run directly with stand-in executables (fast: no runner, no compile).
source "$(dirname "$0")/../cli/lib.sh"
source "$(dirname "$0")/gitlab_lib.bash"
src=$RELGATE_SOURCE_DIR

# A stand-in relgate bin folder: every step writes decision=ALLOW to $GITHUB_OUTPUT and a report
# line to stdout that would be a dangerous variable assignment in $GITHUB_ENV; STUB_MODE=crash then
# dies of SIGSEGV.
stub="$TMP/stub-bin"
mkdir -p "$stub"
for exe in verify-signature scan-gate slo-check promote rollback evidence; do
  cat > "$stub/$exe" <<'SH'
#!/usr/bin/env bash
printf 'decision=ALLOW\nexit-code=0\n' >> "$GITHUB_OUTPUT"
echo 'BASH_ENV=/tmp/relgate-redteam-evil.sh'
[ "${STUB_MODE:-}" = crash ] && kill -SEGV $$
exit 0
SH
  chmod +x "$stub/$exe"
done

runner="$TMP/runner"
ws="$runner/work/repo"
rtemp="$runner/temp"
mkdir -p "$ws" "$rtemp/_runner_file_commands" "$TMP/outside"
# action_run KEY=VALUE...: scripts/action-run.sh as the composite step runs it (cwd = workspace),
# with fresh runner command files; $gh_output / $gh_env name them afterwards.
action_run() {
  gh_output="$rtemp/_runner_file_commands/set_output_1"
  gh_env="$rtemp/_runner_file_commands/set_env_1"
  : > "$gh_output"; : > "$gh_env"; : > "$rtemp/_runner_file_commands/add_path_1"
  : > "$rtemp/_runner_file_commands/step_summary_1"
  run env -C "$ws" GITHUB_WORKSPACE="$ws" RUNNER_TEMP="$rtemp" GITHUB_OUTPUT="$gh_output" GITHUB_ENV="$gh_env" \
    GITHUB_PATH="$rtemp/_runner_file_commands/add_path_1" GITHUB_STEP_SUMMARY="$rtemp/_runner_file_commands/step_summary_1" \
    RELGATE_BIN_DIR="$stub" RELGATE_STEP=scan-gate "$@" "$src/scripts/action-run.sh"
}
last_output() { # last_output KEY: the value the runner keeps (the last one written)
  grep "^$1=" "$gh_output" | tail -1 | cut -d= -f2-
}

# ---- GitHub: the `output` path -----------------------------------------------------------------
action_run RELGATE_OUTPUT="$rtemp/_runner_file_commands/set_env_1"
expect_rc 2 "output naming \$GITHUB_ENV is refused"
expect_eq "$(cat "$gh_env")" "" "\$GITHUB_ENV untouched (no BASH_ENV= for later steps)"
expect_eq "$(last_output decision)" ERROR "refused output: decision ERROR"
ln -sfn "$rtemp/_runner_file_commands" "$ws/reports-link"
action_run RELGATE_OUTPUT=reports-link/set_env_1
expect_rc 2 "output through a symlinked folder of the checkout into the command files is refused"
expect_eq "$(cat "$gh_env")" "" "\$GITHUB_ENV untouched through a symlinked folder"
action_run RELGATE_OUTPUT=../../../outside/report.txt
expect_rc 2 "output with '..' out of the workspace is refused"
[ ! -e "$TMP/outside/report.txt" ] || fail "a report was written outside the workspace through '..'"
ln -sfn "$TMP/outside" "$ws/out-link"
action_run RELGATE_OUTPUT=out-link/report.txt
expect_rc 2 "output through a symlinked folder pointing outside is refused"
[ ! -e "$TMP/outside/report.txt" ] || fail "a report was written outside the workspace through a symlink"
action_run RELGATE_OUTPUT=reports/scan.txt
expect_rc 0 "output inside the workspace still works"
expect_eq "$(cat "$ws/reports/scan.txt" 2>/dev/null)" "BASH_ENV=/tmp/relgate-redteam-evil.sh" "report written in the workspace"
expect_eq "$(last_output report)" reports/scan.txt "report output keeps the name given"
action_run RELGATE_OUTPUT="$rtemp/relgate-report.txt"
expect_rc 0 "output in the runner's temp folder still works"

# ---- GitHub: a crash after the outputs were written ---------------------------------------------
action_run STUB_MODE=crash
expect_rc 139 "the crash fails the step"
expect_eq "$(last_output decision)" ERROR "a crashed step's decision is ERROR, not the ALLOW it wrote first"
expect_eq "$(last_output exit-code)" 139 "a crashed step's exit-code is the crash"
action_run STUB_MODE=crash RELGATE_FAIL_ON_DENY=false RELGATE_OUTPUT=reports/crash.txt
expect_rc 139 "fail-on-deny false does not hide a crash"
expect_eq "$(last_output decision)" ERROR "crash with output and fail-on-deny false: decision ERROR"

# ---- GitHub: the install -------------------------------------------------------------------------
case "$(uname -m)" in
  x86_64) runner_arch=X64 arch=amd64 ;;
  aarch64) runner_arch=ARM64 arch=arm64 ;;
  *) skip "no relgate release arch for $(uname -m)" ;;
esac
version=0.1.0
tarball_name="relgate-$version-linux-$arch.tar.gz"
make_release() { # make_release DIR MARK: a release-shaped tarball whose executables echo MARK
  local stage="$TMP/stage-$2/relgate-$version"
  mkdir -p "$stage/bin" "$1"
  for exe in verify-signature scan-gate slo-check promote rollback evidence; do
    printf '#!/bin/sh\necho %s\n' "$2" > "$stage/bin/$exe"
    chmod 755 "$stage/bin/$exe"
  done
  tar -czf "$1/$tarball_name" -C "$TMP/stage-$2" "relgate-$version"
}
make_release "$TMP/good" good
make_release "$TMP/evil" evil
pinned=$(sha256sum "$TMP/good/$tarball_name" | cut -d' ' -f1)
# install NAME KEY=VALUE...: scripts/action-install.sh with the pin, on a fresh runner folder.
install() {
  local dir="$TMP/install-$1"; shift
  mkdir -p "$dir/tool-cache" "$dir/temp"
  : > "$dir/github_output"
  install_dir=$dir
  run env RELGATE_VERSION="$version" "RELGATE_SHA256_${arch^^}=$pinned" RUNNER_OS=Linux RUNNER_ARCH="$runner_arch" \
    RELGATE_DOWNLOAD_DIR="$dir/tool-cache/relgate-release" RELGATE_INSTALL_DIR="$dir/temp/relgate" \
    GITHUB_OUTPUT="$dir/github_output" GITHUB_PATH="$dir/github_path" "$@" "$src/scripts/action-install.sh"
}

# TOCTOU: the cached tarball is swapped right after it was hashed (a sha256sum on PATH that does
# the swap stands for a concurrent writer of the shared folder).
mkdir -p "$TMP/install-toctou/tool-cache/relgate-release/$version" "$TMP/swap-bin"
cp "$TMP/good/$tarball_name" "$TMP/install-toctou/tool-cache/relgate-release/$version/"
cat > "$TMP/swap-bin/sha256sum" <<SH
#!/bin/sh
/usr/bin/sha256sum "\$@"
cp "$TMP/evil/$tarball_name" "$TMP/install-toctou/tool-cache/relgate-release/$version/$tarball_name"
SH
chmod +x "$TMP/swap-bin/sha256sum"
install toctou PATH="$TMP/swap-bin:$PATH"
expect_rc 0 "install from the cache"
installed="$TMP/install-toctou/temp/relgate/relgate-$version-linux-$arch/relgate-$version/bin/promote"
expect_eq "$("$installed" 2>/dev/null)" good "the unpacked binary is the one that was verified, not the one swapped in after the check"

# A hostile mirror: a response larger than any release, and one that never ends (no length).
if command -v python3 >/dev/null; then
  cat > "$TMP/mirror.py" <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(200)
        if self.path.startswith("/sized/"):
            self.send_header("Content-Length", str(1 << 30))
        self.end_headers()
        chunk = b"\0" * (1 << 20)
        try:
            for _ in range(1024):  # 1 GiB at most, then close
                self.wfile.write(chunk)
        except OSError:
            pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
  coproc mirror { exec python3 "$TMP/mirror.py"; }
  mirror_pid=$mirror_PID
  trap 'kill $mirror_pid 2>/dev/null' EXIT
  read -r -t 10 mirror_port <&"${mirror[0]}" || fail "the hostile mirror did not start"
  for kind in sized endless; do
    started=$SECONDS
    install "big-$kind" RELGATE_RELEASE_BASE_URL="http://127.0.0.1:$mirror_port/$kind"
    expect_rc 2 "a $kind oversized download is refused"
    expect_contains "$err" "is larger than" "the $kind oversized download is named as too large"
    [ $((SECONDS - started)) -lt 60 ] || fail "the $kind oversized download took $((SECONDS - started)) s"
    expect_eq "$(find "$TMP/install-big-$kind" -type f -size +1M | wc -l)" 0 "nothing of the $kind download is left behind"
  done
fi

# ---- The workflows: secrets only in jobs with an environment ------------------------------------
if command -v node >/dev/null && command -v npm >/dev/null && command -v rsync >/dev/null; then
  gitlab_tools # the pinned CI clients (yaml for this check, gitlab-ci-local below)
  cat > "$TMP/secret_scope.mjs" <<'JS'
import fs from 'node:fs';
import { createRequire } from 'node:module';
const YAML = createRequire(process.env.TOOLS + '/node_modules/')('yaml');
let bad = 0;
for (const file of process.argv.slice(2)) {
  const wf = YAML.parse(fs.readFileSync(file, 'utf8'));
  for (const [id, job] of Object.entries(wf.jobs ?? {})) {
    const secrets = [...JSON.stringify(job).matchAll(/secrets\.([A-Za-z0-9_]+)/g)].map(m => m[1]).filter(n => n !== 'GITHUB_TOKEN');
    if (secrets.length && !job.environment) { console.log(`${file}: job ${id} reads ${[...new Set(secrets)].join(', ')} without an environment`); bad++; }
  }
}
process.exit(bad ? 1 : 0);
JS
  run env TOOLS="$tools" node "$TMP/secret_scope.mjs" "$src/examples/github/release.yml" "$src/.github/workflows/release.yml" "$src/.github/workflows/ci.yml"
  expect_rc 0 "every job that reads a secret names an environment (deployment rules guard the secret)"

  # ---- GitLab: planted gate files in the checkout ------------------------------------------------
  export GCL_IGNORE_PREDEFINED_VARS=GITLAB_CI
  stage_bins
  project="$TMP/project"
  project_repo "$project"
  cp "$src/.gitlab-ci-templates/relgate.yml" "$project/relgate.yml"
  subject="acme/api@sha256:$(printf api | sha256sum | cut -d' ' -f1)"
  printf '{"SchemaVersion":2,"ArtifactName":"%s","ArtifactType":"container_image","Results":[]}\n' "$subject" > "$project/trivy.json"
  mkdir -p "$project/relgate-reports/relgate-scan-gate" "$project/relgate-reports/relgate-verify-signature" "$project/relgate-evidence"
  printf 'RELGATE_SCAN_GATE_DECISION=ALLOW\n' > "$project/relgate-reports/relgate-scan-gate/scan-gate.env"
  printf 'RELGATE_VERIFY_SIGNATURE_DECISION=ALLOW\n' > "$project/relgate-reports/relgate-verify-signature/verify-signature.env"
  "$bins/evidence" init --evidence "$project/relgate-evidence/relgate-scan-gate.json" --subject "$subject" >/dev/null &&
    "$bins/evidence" append --evidence "$project/relgate-evidence/relgate-scan-gate.json" --step planted-by-mr --decision ALLOW >/dev/null ||
    fail "could not plant an evidence file"
  cat > "$project/.gitlab-ci.yml" <<YAML
include:
  - local: relgate.yml
    inputs:
      step: scan-gate
      needs: []
      relgate-bin-dir: $bins
      args: |
        --report
        trivy.json
        --subject
        $subject
  - local: relgate.yml
    inputs:
      step: verify-signature
      needs: []
      relgate-bin-dir: $bins
      gitops-repo: $TMP/no-such-gitops-repo
      args: --help
after:
  stage: deploy
  needs: [relgate-verify-signature]
  rules: [{when: always}]
  script:
    - echo "verify decision from dotenv=[\$RELGATE_VERIFY_SIGNATURE_DECISION]"
YAML
  git -C "$project" add -f relgate-evidence relgate-reports && commit_all "$project" planted
  cd "$project" && gitlab
  expect_verdict relgate-verify-signature "FAIL 2" "a job whose gitops clone fails before relgate runs fails"
  expect_verdict after PASS "the always job ran"
  expect_contains "$out" "verify decision from dotenv=[]" "the failed job uploaded no planted DECISION=ALLOW dotenv"
  expect_verdict relgate-scan-gate "FAIL 2" "tracked files under relgate-evidence/ and relgate-reports/ fail the job"
  expect_contains "$out" "the repository tracks files under relgate-evidence/" "the tracked gate files are named"
  expect_not_contains "$out" "scan-gate: ALLOW" "the step never ran on the planted evidence"
  # A needed job's artifact named as this job's own evidence file is refused, not used as the base.
  git -C "$project" rm -q -r --cached relgate-evidence relgate-reports
  cat > "$project/.gitlab-ci.yml" <<YAML
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
        $subject
build:
  stage: build
  script:
    - mkdir -p relgate-evidence && cp "$project/relgate-evidence/relgate-scan-gate.json" relgate-evidence/
  artifacts:
    paths: [relgate-evidence/]
YAML
  commit_all "$project" untrack
  gitlab
  expect_verdict relgate-scan-gate "FAIL 2" "an artifact named as the job's own evidence file fails the job"
  expect_contains "$out" "exists before the job wrote it" "the own evidence file is refused by name"
  expect_not_contains "$out" "scan-gate: ALLOW" "the step never ran on the planted evidence"
else
  echo "note: node, npm or rsync missing: the workflow and GitLab checks did not run"
fi

finish
