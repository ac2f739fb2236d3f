#!/usr/bin/env bash
# scan-gate throughput and memory on a large generated Trivy report, against the same gate in jq
# (the hand-written gate users run today), measured in the same run with /usr/bin/time.
#
# usage: bench/scan-gate/bench.sh [SIZE_MB]       (default 200)
#   SCAN_GATE=path/to/scan-gate (default: build/bin/scan-gate, else build-scan/bin/scan-gate)
#   RUNS=3 (the best wall time of RUNS is kept for each tool)
# Targets (issue 4): >= 350 MB/s, peak RSS < 64 MB, >= 8x faster than jq.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
size_mb=${1:-200}
runs=${RUNS:-3}
scan_gate=${SCAN_GATE:-}
if [ -z "$scan_gate" ]; then
  for candidate in "$root/build/bin/scan-gate" "$root/build-scan/bin/scan-gate"; do
    [ -x "$candidate" ] && scan_gate=$candidate && break
  done
fi
[ -x "${scan_gate:-}" ] || { echo "scan-gate binary not found: build it or set SCAN_GATE" >&2; exit 2; }
for tool in jq python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (scripts/bootstrap.sh installs it)" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report=$work/report.json
policy=$work/scan.toml
python3 "$here/gen_trivy_report.py" "$report" "$size_mb" >/dev/null
bytes=$(stat -c %s "$report")
printf 'version = 1\n[max]\ncritical = 0\nhigh = 10\n' > "$policy"

# The jq gate: unique (id, package, version) per severity, then the same limits.
jq_gate() {
  jq -r '[.Results[]? | .Vulnerabilities[]? | [.VulnerabilityID, .PkgName, .InstalledVersion, .Severity]]
         | unique_by(.[0:3]) | group_by(.[3]) | map("\(.[0][3]) \(length)") | .[]' "$1" > "$work/jq.counts"
  awk '($1=="CRITICAL" && $2>0) || ($1=="HIGH" && $2>10) {deny=1} END {exit deny ? 1 : 0}' "$work/jq.counts"
}

# measure NAME CMD...: one timed run; keeps the best wall time (and its CPU time) and the peak RSS.
measure() {
  local name=$1; shift
  /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" > "$work/$name.out" 2>/dev/null || true
  read -r wall kb user sys < <(tail -n 1 "$work/time")
  local best_var=${name}_wall rss_var=${name}_rss
  if [ -z "${!best_var:-}" ] || awk -v a="$wall" -v b="${!best_var}" 'BEGIN {exit !(a < b)}'; then
    eval "${name}_wall=$wall ${name}_cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')"
  fi
  [ "$kb" -gt "${!rss_var:-0}" ] && eval "${name}_rss=$kb"
  return 0
}

export -f jq_gate
export work
# Interleaved, so both tools see the same machine; scan-gate's runs are short, so it gets more.
for round in $(seq "$runs"); do
  measure scan "$scan_gate" --report "$report" --policy "$policy"
  measure scan "$scan_gate" --report "$report" --policy "$policy"
  measure jq bash -c 'jq_gate "$0"' "$report"
done

mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1048576}')
scan_mbs=$(awk -v b="$bytes" -v t="$scan_wall" 'BEGIN {printf "%.0f", b / 1048576 / t}')
scan_cpu_mbs=$(awk -v b="$bytes" -v t="$scan_cpu" 'BEGIN {printf "%.0f", b / 1048576 / t}')
jq_mbs=$(awk -v b="$bytes" -v t="$jq_wall" 'BEGIN {printf "%.1f", b / 1048576 / t}')
ratio=$(awk -v a="$jq_wall" -v b="$scan_wall" 'BEGIN {printf "%.1f", a / b}')
cpu_ratio=$(awk -v a="$jq_cpu" -v b="$scan_cpu" 'BEGIN {printf "%.1f", a / b}')

# Both gates must agree on the counts, or the comparison means nothing.
scan_counts=$("$scan_gate" --report "$report" --policy "$policy" --format json | \
  jq -r '.summary.counts | to_entries[] | select(.value.found > 0) | "\(.key|ascii_upcase) \(.value.found)"' | sort || true)
jq_counts=$(sort "$work/jq.counts")
agree=yes
[ "$scan_counts" == "$jq_counts" ] || agree=no

echo "report: $mb MiB Trivy JSON ($bytes bytes), best of $((2 * runs)) scan-gate and $runs jq runs"
printf '%-10s %9s %10s %12s %10s\n' tool "wall s" "MiB/s" "CPU MiB/s" "peak RSS"
printf '%-10s %9s %10s %12s %9s MB\n' scan-gate "$scan_wall" "$scan_mbs" "$scan_cpu_mbs" "$((scan_rss / 1024))"
printf '%-10s %9s %10s %12s %9s MB\n' jq "$jq_wall" "$jq_mbs" "-" "$((jq_rss / 1024))"
echo "speed-up vs jq: ${ratio}x wall, ${cpu_ratio}x CPU time; counts agree with jq: $agree"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (wall figures suffer on a busy machine)"
verdict() { if awk "BEGIN {exit !($1)}"; then echo "  ok    $2"; else echo "  MISS  $2"; fi; }
echo "targets:"
verdict "$scan_mbs >= 350" "throughput >= 350 MiB/s (wall; CPU-only: $scan_cpu_mbs MiB/s)"
verdict "$scan_rss < 65536" "peak RSS < 64 MB"
verdict "$ratio >= 8" "at least 8x faster than jq (wall; CPU time: ${cpu_ratio}x)"
[ "$agree" == yes ] || { echo "counts differ:"; echo "scan-gate: $scan_counts"; echo "jq: $jq_counts"; exit 1; }
