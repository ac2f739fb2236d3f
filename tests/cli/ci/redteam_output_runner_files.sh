#!/usr/bin/env bash
# Red team (CI wrappers, outside attacker who commits a symlink): the action's `output` report must
# never replace a file the runner owns. Proves: scripts/action-run.sh refuses an output that is a
# symlink or passes through a symlinked folder (exit 2, the target left as it was); the runner keeps
# more under runner.temp than command files: the event payload
# ($GITHUB_EVENT_PATH = $RUNNER_TEMP/_github_workflow/event.json), which later actions of the job
# read as github.context.payload (actions/github), and, in container jobs, the job's HOME
# ($RUNNER_TEMP/_github_home: .gitconfig, ...).
# Input: the workflow's `output: relgate-scan.sarif`, the checkout commits relgate-scan.sarif as a
# symlink to ../../_temp/_github_workflow/event.json (before the fix the report replaced the payload).
source "$(dirname "$0")/../lib.sh"
[ -x "$RELGATE_BIN_DIR/scan-gate" ] || skip "scan-gate binary not built"
action="$RELGATE_SOURCE_DIR/scripts/action-run.sh"
unset GITHUB_ACTIONS GITLAB_CI GITHUB_OUTPUT GITHUB_STEP_SUMMARY
# The hosted runner's layout: work/<repo>/<repo> is the workspace, work/_temp is runner.temp.
work="$TMP/work"
ws="$work/repo/repo"
rtemp="$work/_temp"
mkdir -p "$ws" "$rtemp/_runner_file_commands" "$rtemp/_github_workflow" "$rtemp/_github_home"
event="$rtemp/_github_workflow/event.json"
printf '{"pull_request":{"head":{"repo":{"fork":true}}}}\n' > "$event"
printf '[user]\n\tname = runner\n' > "$rtemp/_github_home/.gitconfig"
cd "$ws" || exit 1
cat > clean.json <<'JSON'
{"SchemaVersion":2,"ArtifactName":"acme/api","ArtifactType":"container_image","Results":[]}
JSON

for target in ../../_temp/_github_workflow/event.json ../../_temp/_github_home/.gitconfig; do
  before=$(sha256sum "$ws/$target" | cut -d' ' -f1)
  ln -sfn "$target" relgate-scan.sarif
  : > "$rtemp/_runner_file_commands/set_output_1"
  GITHUB_WORKSPACE="$ws" RUNNER_TEMP="$rtemp" GITHUB_EVENT_PATH="$event" HOME="$rtemp/_github_home" \
    GITHUB_OUTPUT="$rtemp/_runner_file_commands/set_output_1" RELGATE_STEP=scan-gate RELGATE_FORMAT=sarif \
    RELGATE_OUTPUT=relgate-scan.sarif RELGATE_ARGS=$'--report\nclean.json\n--unbound-report' run "$action"
  expect_rc 2 "output through a committed symlink to $target is refused"
  expect_eq "$(sha256sum "$ws/$target" | cut -d' ' -f1)" "$before" "$target is left as it was"
  rm -f relgate-scan.sarif
done
# A symlinked folder of the checkout into the runner's workflow folder.
before=$(sha256sum "$event" | cut -d' ' -f1)
ln -sfn ../../_temp/_github_workflow reports
GITHUB_WORKSPACE="$ws" RUNNER_TEMP="$rtemp" GITHUB_EVENT_PATH="$event" RELGATE_STEP=scan-gate RELGATE_FORMAT=sarif \
  RELGATE_OUTPUT=reports/event.json RELGATE_ARGS=$'--report\nclean.json\n--unbound-report' run "$action"
expect_rc 2 "output through a committed symlinked folder is refused"
expect_contains "$err" "passes through a symlink" "the error says why"
expect_eq "$(sha256sum "$event" | cut -d' ' -f1)" "$before" "the event payload is left as it was"
rm -f reports
# Named by the workflow in runner.temp: the runner's own folders are refused, others work.
GITHUB_WORKSPACE="$ws" RUNNER_TEMP="$rtemp" RELGATE_STEP=scan-gate RELGATE_FORMAT=sarif \
  RELGATE_OUTPUT="$rtemp/_github_home/.gitconfig" RELGATE_ARGS=$'--report\nclean.json\n--unbound-report' run "$action"
expect_rc 2 "output into the container job's HOME under runner.temp is refused"
GITHUB_WORKSPACE="$ws" RUNNER_TEMP="$rtemp" RELGATE_STEP=scan-gate RELGATE_FORMAT=sarif \
  RELGATE_OUTPUT="$rtemp/scan.sarif" RELGATE_ARGS=$'--report\nclean.json\n--unbound-report' run "$action"
expect_rc 0 "output as a plain file in runner.temp"
# The same output name as a plain file in the workspace still works.
GITHUB_WORKSPACE="$ws" RUNNER_TEMP="$rtemp" GITHUB_EVENT_PATH="$event" RELGATE_STEP=scan-gate RELGATE_FORMAT=sarif \
  RELGATE_OUTPUT=relgate-scan.sarif RELGATE_ARGS=$'--report\nclean.json\n--unbound-report' run "$action"
expect_rc 0 "output as a plain workspace file"
[ -f relgate-scan.sarif ] && [ ! -L relgate-scan.sarif ] || fail "the report was not written in the workspace"
finish
