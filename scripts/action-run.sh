#!/usr/bin/env bash
# Runs one relgate step for a CI wrapper (action.yml, the GitLab templates) from environment
# variables. Arguments come one per line in RELGATE_ARGS and are passed as an argv array: no
# word splitting, no globbing, no eval.
#   RELGATE_STEP (required), RELGATE_ARGS, RELGATE_EVIDENCE, RELGATE_POLICY, RELGATE_FORMAT,
#   RELGATE_FAIL_ON_DENY (true|false), RELGATE_BIN_DIR (default: build/bin beside this script)
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin_dir=${RELGATE_BIN_DIR:-$here/build/bin}
step=${RELGATE_STEP:-}

case "$step" in
  verify-signature|scan-gate|slo-check|promote|rollback|evidence) ;;
  *) echo "::error title=relgate::unknown step '$step' (expected verify-signature, scan-gate, slo-check, promote, rollback or evidence)"
     exit 2 ;;
esac
if [ ! -x "$bin_dir/$step" ]; then
  echo "::error title=relgate::$bin_dir/$step not found: run scripts/bootstrap.sh first"
  exit 2
fi

argv=()
if [ -n "${RELGATE_ARGS:-}" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    [ -n "$line" ] && argv+=("$line")
  done <<< "$RELGATE_ARGS"
fi
[ -n "${RELGATE_EVIDENCE:-}" ] && argv+=(--evidence "$RELGATE_EVIDENCE")
[ -n "${RELGATE_POLICY:-}" ] && argv+=(--policy "$RELGATE_POLICY")
[ -n "${RELGATE_FORMAT:-}" ] && [ "$step" != evidence ] && argv+=(--format "$RELGATE_FORMAT")

"$bin_dir/$step" "${argv[@]}"
code=$?
if [ "${RELGATE_FAIL_ON_DENY:-true}" = false ] && { [ $code = 1 ] || [ $code = 3 ]; }; then
  echo "relgate: $step decided with exit $code; not failing the job (fail-on-deny: false)"
  exit 0
fi
exit $code
