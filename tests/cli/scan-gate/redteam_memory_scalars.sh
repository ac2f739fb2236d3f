#!/usr/bin/env bash
# Red team (issue-13 session): memory while a report is parsed should stay flat (docs/scan-gate.md:
# "the mapped pages are handed back to the kernel every 4 MB as the parser moves on"). The walker
# hands pages back only when an object or array closes (close_frame), so a long run of bytes in
# which nothing closes stays resident whole: one array of 33 million numbers, one 64 MB string,
# 64 MB of whitespace. Any report field the readers skip can hold such a run. And format detection
# (detect_report_format) parses with no ReportInput, so nothing is handed back until it has seen a
# format's key: a report whose first member is 64 MB of anything is read whole into memory.
source "$(dirname "$0")/../lib.sh"
# Fixed in the same session: pages are now handed back at scalars too (numbers: 72 -> 15 MB), and
# format detection hands them back as it reads (late_format_keys: 80 -> 16 MB). One string of
# 64 MB, or 64 MB of whitespace, still peaks at ~72 MB: a string reaches the reader as a view into
# the mapping, and nothing is released inside one token. That residual (memory follows the longest
# single token, under the 2 GiB report cap) is in docs/security.md; those shapes are measured and
# printed here, not judged.
cd "$TMP"
require_time
grep -qa "AddressSanitizer" "$(command -v scan-gate)" && skip "RSS bounds are for the product build"
printf 'version = 1\n[max]\ncritical = 0\n' > policy.toml
python3 - <<'PY'
n = 64 * 1024 * 1024
head = '{"SchemaVersion":2,"ArtifactName":"img","Results":[],"Pad":'
open("numbers.json", "w").write(head + "[" + ",".join(["1"] * (n // 2)) + "]}")
open("string.json", "w").write(head + '"' + "a" * n + '"}')
open("blank.json", "w").write(head + " " * n + "1}")
objects = ",".join(['{"a":[1,2,3],"b":"' + "x" * 54 + '"}'] * (n // 75))
open("late_format_keys.json", "w").write('{"Pad":[' + objects + '],"SchemaVersion":2,"ArtifactName":"img","Results":[]}')
PY
for shape in numbers string blank late_format_keys; do
  run_peak_rss scan-gate --report "$shape.json" --policy policy.toml --unbound-report --format json
  expect_rc 0 "$shape"
  kb=$peak_kb
  size_kb=$(($(stat -c %s "$shape.json") / 1024))
  echo "$shape: peak RSS ${kb} KB for a ${size_kb} KB report"
  case $shape in string | blank) continue ;; esac # the documented residual: one token
  [ "$kb" -lt $((size_kb / 2)) ] || fail "$shape: peak RSS ${kb} KB for a ${size_kb} KB report"
done
finish
