#!/usr/bin/env bash
# A longer libFuzzer campaign than scripts/test.sh's smoke runs: every fuzz target of the sanitizer
# build (build/sanitize, made by scripts/test.sh) for SECONDS each, JOBS targets at a time, starting
# from the committed seeds (and dictionaries). Prints one line per target: executions, coverage,
# corpus size and findings. New corpus entries stay in the work folder; copy the interesting ones
# (and every crash, once fixed) into tests/fuzz/seeds/<target>/.
#   usage: scripts/fuzz-campaign.sh [SECONDS (default 600)] [JOBS (default 2)] [TARGET ...]
#   (no TARGET: every target)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-600}
jobs=${2:-2}
build=${BUILD_DIR:-build}/sanitize
work=${FUZZ_WORK:-$build/fuzz-campaign}
[ -d "$build/fuzz" ] || { echo "fuzz-campaign: $build/fuzz missing: run scripts/test.sh first" >&2; exit 2; }
mkdir -p "$work"

run_one() {
  local target=$1 name corpus dict=()
  name=$(basename "$target")
  corpus="$work/$name"
  mkdir -p "$corpus"
  cp -r "$root/tests/fuzz/seeds/$name/." "$corpus/" 2>/dev/null || true
  [ -f "$root/tests/fuzz/dict/$name.dict" ] && dict=(-dict="$root/tests/fuzz/dict/$name.dict")
  "$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$work/$name-" "$corpus" >"$work/$name.log" 2>&1
  echo $? >"$work/$name.rc"
}

if [ $# -gt 2 ]; then
  targets=()
  for name in "${@:3}"; do targets+=("$build/fuzz/$name"); done
else
  targets=("$build"/fuzz/fuzz_*)
fi
running=0
for target in "${targets[@]}"; do
  [ -x "$target" ] || continue
  run_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

status=0
printf '%-32s %12s %8s %8s %8s %s\n' target execs cov features corpus findings
for target in "${targets[@]}"; do
  name=$(basename "$target")
  log="$work/$name.log"
  [ -f "$log" ] || continue
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  corpus=$(find "$work/$name" -type f | wc -l)
  findings=$(find "$work" -maxdepth 1 -name "$name-*" -type f | wc -l)
  [ "$(cat "$work/$name.rc")" = 0 ] || status=1
  printf '%-32s %12s %8s %8s %8s %s\n' "$name" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$findings"
done
exit $status
