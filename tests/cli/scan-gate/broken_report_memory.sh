#!/usr/bin/env bash
# A large report cut off at the end is refused with RapidJSON's message, which scan-gate gets by
# parsing the text a second time; that pass hands pages back like the first, so a broken report
# costs no more memory than a whole one (a 213 MB truncated report had peaked at 221 MB, 21 MB now).
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
require_time
printf 'version = 1\n[max]\ncritical = 0\n' > policy.toml
python3 "$RELGATE_SOURCE_DIR/bench/scan-gate/gen_trivy_report.py" whole.json 48 >/dev/null
size=$(stat -c %s whole.json)
head -c $((size - 40)) whole.json > cut.json

run_peak_rss scan-gate --report whole.json --policy policy.toml --unbound-report
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "whole report: exit $rc"
whole_kb=$peak_kb
run_peak_rss scan-gate --report cut.json --policy policy.toml --unbound-report
expect_rc 2 "report cut off at the end"
expect_contains "$err" "the file ends early: truncated?" "RapidJSON's diagnosis of the cut"
cut_kb=$peak_kb
echo "peak RSS: whole ${whole_kb} KB, cut off ${cut_kb} KB ($((size / 1024)) KB of report)"
[ "$cut_kb" -lt $((whole_kb + 16384)) ] || fail "the broken report took ${cut_kb} KB, the whole one ${whole_kb} KB"
finish
