#!/usr/bin/env bash
# Runs one relgate step for a CI wrapper (action.yml) from environment variables. Arguments come
# one per line in RELGATE_ARGS and are passed as an argv array: no word splitting, no globbing, no
# eval. An empty line is an error: dropping it would shift the next argument into the previous
# flag ("--reason" + "" + "--push" recorded the reason "--push" and skipped the push).
#   RELGATE_STEP (required), RELGATE_ARGS, RELGATE_EVIDENCE, RELGATE_POLICY, RELGATE_FORMAT,
#   RELGATE_APP (promote, rollback: the application, passed as --app=NAME),
#   RELGATE_FAIL_ON_DENY (true|false), RELGATE_OUTPUT (write the report there instead of stdout),
#   RELGATE_EVIDENCE_KEY_PEM (the evidence signing key itself; written to a 0600 temp file),
#   RELGATE_BIN_DIR (default: build/bin beside this script; set but EMPTY = the install step failed,
#   and nothing runs: an unverified local build is never a fallback)
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin_dir=${RELGATE_BIN_DIR-$here/build/bin}
step=${RELGATE_STEP:-}

# Data inside our own annotations: escaped as the runner unescapes it, so a value cannot end the
# command line or start another one.
escape_data() {
  local text=${1//'%'/'%25'}
  text=${text//$'\r'/'%0D'}
  printf '%s' "${text//$'\n'/'%0A'}"
}

# Usage errors happen before the binary decides anything: still publish decision=ERROR (also after
# the binary wrote its own outputs and then failed), so `if: steps.x.outputs.decision == 'ALLOW'` is false.
publish_error_outputs() { # $1 = exit code
  [ -n "${GITHUB_OUTPUT:-}" ] || return 0
  printf 'decision=ERROR\nexit-code=%s\n' "$1" >> "$GITHUB_OUTPUT"
}
fail_usage() { # $1 = message
  echo "::error title=relgate::$(escape_data "$1")" >&2
  publish_error_outputs 2
  exit 2
}

case "$step" in
  verify-signature|scan-gate|slo-check|promote|rollback|evidence|install) ;;
  *) fail_usage "unknown step '$step' (expected verify-signature, scan-gate, slo-check, promote, rollback, evidence or install)" ;;
esac
case "${RELGATE_FAIL_ON_DENY:-true}" in
  true|false) ;;
  *) fail_usage "fail-on-deny: '${RELGATE_FAIL_ON_DENY}' is not true or false" ;;
esac
format=${RELGATE_FORMAT:-}
case "$format" in
  '' | text | json) ;;
  sarif | junit) [ "$step" = scan-gate ] || fail_usage "format: '$format' is for scan-gate only (every step has text and json)" ;;
  *) fail_usage "format: '$format' is not text, json, sarif or junit" ;;
esac
# app: a plain name (the rule promote and rollback apply), checked here so a value from the
# workflow can never become another option or argument.
app=${RELGATE_APP:-}
if [ -n "$app" ]; then
  case "$step" in
    promote | rollback) ;;
    *) fail_usage "app: only promote and rollback take an application (step is '$step')" ;;
  esac
  [[ $app =~ ^[a-z0-9][a-z0-9_.-]{0,62}$ ]] ||
    fail_usage "app: '$app' is not an application name (lowercase letters, digits, '.', '_', '-'; at most 63; starting with a letter or digit)"
fi
output=${RELGATE_OUTPUT:-}
report_name=$output
case "$output" in
  *$'\n'* | *$'\r'*) fail_usage "output: the file name holds a line break" ;;
esac
if [ -n "$output" ] && [ -d "$output" ]; then
  fail_usage "output: '$output' is a folder"
fi
# The report file stays inside the workspace (or the runner's temp folder, named by the workflow)
# and no symlink on its way there is followed: the checkout can commit a symlink (the file itself or
# a folder) into runner.temp's event payload ($GITHUB_EVENT_PATH), the container job's HOME or the
# command files (a report over $GITHUB_ENV sets BASH_ENV or LD_PRELOAD for every later step). The
# path is resolved twice, with and without following symlinks, and the two must agree.
if [ -n "$output" ]; then
  [ -L "$output" ] && fail_usage "output: '$output' is a symlink (committed by the checkout?); name a plain file"
  resolved_output=$(realpath -m -- "$output") || fail_usage "output: cannot resolve '$output'"
  lexical_output=$(realpath -m -s -- "$output") || fail_usage "output: cannot resolve '$output'"
  output_base=
  for base_dir in "${GITHUB_WORKSPACE:-$PWD}" "${RUNNER_TEMP:-}"; do
    [ -n "$base_dir" ] || continue
    base_lexical=$(realpath -m -s -- "$base_dir")
    [[ $lexical_output == "$base_lexical"/* ]] || continue
    base_resolved=$(realpath -m -- "$base_dir")
    [ "$resolved_output" = "$base_resolved/${lexical_output#"$base_lexical"/}" ] ||
      fail_usage "output: '$output' passes through a symlink (it resolves to '$resolved_output'); name a path without symlinks"
    output_base=$base_resolved
    break
  done
  [ -n "$output_base" ] ||
    fail_usage "output: '$output' resolves to '$resolved_output', outside the workspace and the runner's temp folder"
  if [ -n "${RUNNER_TEMP:-}" ]; then
    runner_temp=$(realpath -m -- "$RUNNER_TEMP")
    for runner_dir in _runner_file_commands _github_workflow _github_home; do
      [[ $resolved_output == "$runner_temp/$runner_dir"/* ]] &&
        fail_usage "output: '$output' is in the runner's own folder $runner_dir"
    done
  fi
  for command_file in GITHUB_ENV GITHUB_PATH GITHUB_OUTPUT GITHUB_STATE GITHUB_STEP_SUMMARY GITHUB_EVENT_PATH; do
    [ -n "${!command_file:-}" ] && [ "$resolved_output" = "$(realpath -m -- "${!command_file}")" ] &&
      fail_usage "output: '$output' is \$$command_file"
  done
  output=$resolved_output
fi
if [ -z "$bin_dir" ]; then
  fail_usage "relgate is not installed: the install step failed (see its error above); nothing was run"
fi
if [ "$step" = install ]; then
  # Only the install: relgate is on PATH for the job's later run: steps; nothing decides here.
  for exe in verify-signature scan-gate slo-check promote rollback evidence; do
    [ -x "$bin_dir/$exe" ] || fail_usage "$bin_dir/$exe not found"
  done
  echo "relgate: installed; the steps are on PATH for later steps of this job" >&2
  exit 0
fi
if [ ! -x "$bin_dir/$step" ]; then
  fail_usage "$bin_dir/$step not found: run scripts/bootstrap.sh first"
fi

argv=()
if [ -n "${RELGATE_ARGS:-}" ]; then
  line_number=0
  pending_blank=0
  while IFS= read -r line || [ -n "$line" ]; do
    line_number=$((line_number + 1))
    line=${line%$'\r'}
    if [ -z "$line" ]; then
      # Trailing blank lines (a YAML `|+` block) shift nothing; a blank line before an argument does.
      pending_blank=$line_number
      continue
    fi
    if [ "$pending_blank" != 0 ]; then
      fail_usage "args: line $pending_blank is empty; give one argument per line with no blank lines (an empty value cannot be passed)"
    fi
    argv+=("$line")
  done <<< "$RELGATE_ARGS"
fi
# The --flag=value form: a value that starts with '-' can never be read as another option.
[ -n "${RELGATE_EVIDENCE:-}" ] && argv+=("--evidence=$RELGATE_EVIDENCE")
[ -n "${RELGATE_POLICY:-}" ] && argv+=("--policy=$RELGATE_POLICY")
[ -n "$app" ] && argv+=("--app=$app")
[ -n "${RELGATE_FORMAT:-}" ] && [ "$step" != evidence ] && argv+=("--format=$RELGATE_FORMAT")

# Evidence files the checkout tracks are refused (as the GitLab template does): a committed
# evidence.json for the subject would be extended, its planted records (a hand-made ALLOW, signed
# records replayed from an earlier run) travelling with the gate's own to promote. Checked for the
# evidence input and every --evidence in args (evidence merge's OUT), as given and resolved.
tracked_by_git() { # $1 = path; true when a git work tree holding it tracks it
  command -v git >/dev/null || return 1
  local candidate
  for candidate in "$1" "$(realpath -m -- "$1")"; do
    [ -d "$(dirname -- "$candidate")" ] || continue
    git --literal-pathspecs -c safe.directory='*' -C "$(dirname -- "$candidate")" \
      ls-files --error-unmatch -- "$(basename -- "$candidate")" >/dev/null 2>&1 && return 0
  done
  return 1
}
evidence_paths=()
[ -n "${RELGATE_EVIDENCE:-}" ] && evidence_paths+=("$RELGATE_EVIDENCE")
for ((i = 0; i < ${#argv[@]}; i++)); do
  case "${argv[i]}" in
    --evidence) [ $((i + 1)) -lt ${#argv[@]} ] && evidence_paths+=("${argv[i + 1]}") ;;
    --evidence=*) evidence_paths+=("${argv[i]#--evidence=}") ;;
  esac
done
for evidence_path in "${evidence_paths[@]}"; do
  tracked_by_git "$evidence_path" &&
    fail_usage "evidence: '$evidence_path' is tracked by the repository; its records would pass for this pipeline's gate records: remove it from the repository (git rm --cached) and let the jobs create it"
done

# evidence-key: the PEM itself (a secret), for this step only: a 0600 file in the runner's temp
# folder, named by RELGATE_EVIDENCE_KEY for the binary, removed when the step ends.
if [ -n "${RELGATE_EVIDENCE_KEY_PEM:-}" ]; then
  key_file=$(umask 077 && mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/relgate-evidence-key.XXXXXX") ||
    fail_usage "evidence-key: cannot create a temporary key file"
  trap 'rm -f -- "$key_file"' EXIT
  printf '%s\n' "$RELGATE_EVIDENCE_KEY_PEM" > "$key_file" || fail_usage "evidence-key: cannot write the key file"
  export RELGATE_EVIDENCE_KEY="$key_file"
fi
unset RELGATE_EVIDENCE_KEY_PEM

report_written=0
if [ -n "$output" ]; then
  # The report goes to the file byte-exact (the binary does not guard a regular file, and the
  # runner never reads it); written to a new file beside it (mktemp: O_EXCL), then renamed over it
  # with mv -T (a symlink planted since the check is replaced, not followed). The log gets the
  # decision through annotations and the step summary.
  mkdir -p -- "$(dirname -- "$output")" || fail_usage "output: cannot create the folder of '$output'"
  partial=$(mktemp "$(dirname -- "$output")/.relgate-report.XXXXXX") || fail_usage "output: cannot write beside '$output'"
  "$bin_dir/$step" "${argv[@]}" > "$partial"
  code=$?
  if mv -f -T -- "$partial" "$output"; then
    report_written=1
    echo "relgate: $step report (${format:-text}) written to the file named by the output input" >&2
  else
    rm -f -- "$partial"
    echo "::error title=relgate::$(escape_data "output: could not write '$output'")" >&2
    [ "$code" = 0 ] && code=2
  fi
else
  "$bin_dir/$step" "${argv[@]}"
  code=$?
fi
# Any exit but 0, 1 and 3 is an error, whatever the binary wrote to $GITHUB_OUTPUT before it
# crashed or before the report could not be moved into place: decision=ERROR is appended last (the
# runner keeps the last value of a repeated output), so a `decision == 'ALLOW'` check downstream
# never sees the ALLOW of a step that failed.
if [ "$code" != 0 ] && [ "$code" != 1 ] && [ "$code" != 3 ]; then
  publish_error_outputs "$code"
fi
if [ "$report_written" = 1 ] && [ -n "${GITHUB_OUTPUT:-}" ]; then
  printf 'report=%s\n' "$report_name" >> "$GITHUB_OUTPUT"
fi
if [ "${RELGATE_FAIL_ON_DENY:-true}" = false ] && { [ $code = 1 ] || [ $code = 3 ]; }; then
  echo "relgate: $step decided with exit $code; not failing the job (fail-on-deny: false)" >&2
  exit 0
fi
exit $code
