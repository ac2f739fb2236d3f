#!/usr/bin/env bash
# Red-team checks of the CI wrappers (issue 10), each an attack that once got through:
# - action-run.sh `output`: the report file must stay in the workspace / runner temp and never replace
#   the runner's command files ($GITHUB_ENV: report text would set BASH_ENV, LD_PRELOAD, ... for every
#   later step); '..' and a symlinked folder from the checkout are resolved first.
# - action-run.sh: a step that wrote decision=ALLOW and then crashed (or whose report could not be
#   moved into place) must publish decision=ERROR, not leave the ALLOW as the output.
# The wrappers run directly with stand-in executables (fast: no runner, no compile).
source "$(dirname "$0")/../cli/lib.sh"
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

finish
