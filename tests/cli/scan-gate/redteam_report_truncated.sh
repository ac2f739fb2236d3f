#!/usr/bin/env bash
# Red team (issue-13 session): a report truncated while scan-gate reads it. The parser and the
# hashing thread share one mapping now; either may touch a page past the new end of the file
# (SIGBUS, docs/security.md "A report truncated while it is read"). Whatever the timing, the step
# must not exit 0: it never judged the whole report. A cut that lands after the run is not judged.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
printf 'version = 1\n[max]\ncritical = 1000000\nhigh = 1000000\nmedium = 1000000\nlow = 1000000\n' > policy.toml
python3 "$RELGATE_SOURCE_DIR/bench/scan-gate/gen_trivy_report.py" whole.json 96 >/dev/null
size=$(stat -c %s whole.json)
started=$(date +%s%N)
run scan-gate --report whole.json --policy policy.toml --unbound-report --format json
expect_rc 0 "the whole report"
# A cut is judged only when it comes before half of a whole run's time and the step is still
# running after it: a step past its last check of the file exits 0 with a consistent result.
half_run_ms=$((($(date +%s%N) - started) / 2000000))
judged=0
for delay in 0.005 0.02 0.04 0.08 0.15; do
  for cut in $((size / 5)) $((size * 4 / 5)); do
    cp whole.json report.json
    scan-gate --report report.json --policy policy.toml --unbound-report --format json >gate.out 2>gate.err &
    gate=$!
    sleep "$delay"
    truncate -s "$cut" report.json
    kill -0 "$gate" 2>/dev/null && alive=1 || alive=0
    wait "$gate"; gate_rc=$?
    echo "cut to $cut after ${delay}s: exit $gate_rc (running after the cut: $alive; half a run: ${half_run_ms} ms)"
    [ "$alive" = 1 ] && awk -v d="$delay" -v h="$half_run_ms" 'BEGIN {exit !(d * 1000 < h)}' || continue
    judged=$((judged + 1))
    [ "$gate_rc" != 0 ] || fail "cut to $cut after ${delay}s while running: exit 0 ($(jq -r .decision gate.out))"
  done
done
[ "$judged" -gt 0 ] || skip "every run ended before its cut"
finish
