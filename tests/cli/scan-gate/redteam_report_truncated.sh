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
run scan-gate --report whole.json --policy policy.toml --unbound-report --format json
expect_rc 0 "the whole report"
judged=0
for delay in 0.005 0.02 0.04 0.08 0.15; do
  for cut in $((size / 5)) $((size * 4 / 5)); do
    cp whole.json report.json
    scan-gate --report report.json --policy policy.toml --unbound-report --format json >gate.out 2>gate.err &
    gate=$!
    sleep "$delay"
    kill -0 "$gate" 2>/dev/null && alive=1 || alive=0
    truncate -s "$cut" report.json
    wait "$gate"; gate_rc=$?
    echo "cut to $cut after ${delay}s: exit $gate_rc (running at the cut: $alive)"
    [ "$alive" = 1 ] || continue
    judged=$((judged + 1))
    [ "$gate_rc" != 0 ] || fail "cut to $cut after ${delay}s while running: exit 0 ($(jq -r .decision gate.out))"
  done
done
[ "$judged" -gt 0 ] || skip "every run ended before its cut"
finish
