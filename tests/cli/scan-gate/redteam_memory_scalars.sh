#!/usr/bin/env bash
# Red team (issue-13 session): memory while a report is parsed should stay flat (docs/scan-gate.md:
# "the mapped pages are handed back to the kernel every 4 MB as the parser moves on"). The walker
# hands pages back only when an object or array closes (close_frame), so a long run of bytes in
# which nothing closes stays resident whole: one array of 33 million numbers, one 64 MB string,
# 64 MB of whitespace. Any report field the readers skip can hold such a run. And format detection
# (detect_report_format) parses with no ReportInput, so nothing is handed back until it has seen a
# format's key: a report whose first member is 64 MB of anything is read whole into memory.
source "$(dirname "$0")/../lib.sh"
# DEFECT (reported to the session, not fixed here): measured 2026-12-02, gcc build: peak RSS
# 72 MB for each 64 MB report below (21 MB for a 64 MB report of ordinary findings), i.e. up to
# the 2 GiB report cap; 80 MB for 75 MB of objects before "SchemaVersion" (16 MB after it, and with
# --input-format trivy). Remove this line once pages are handed back between frames too.
skip "defect: memory follows the size of a run in which no frame closes, or of what precedes the format keys"
cd "$TMP"
command -v /usr/bin/time >/dev/null || skip "/usr/bin/time not installed (scripts/bootstrap.sh --profile test)"
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
  run /usr/bin/time -f '%M' -o "$shape.rss" scan-gate --report "$shape.json" --policy policy.toml \
    --unbound-report --format json
  expect_rc 0 "$shape"
  kb=$(tail -n 1 "$shape.rss")
  size_kb=$(($(stat -c %s "$shape.json") / 1024))
  echo "$shape: peak RSS ${kb} KB for a ${size_kb} KB report"
  [ "$kb" -lt $((size_kb / 2)) ] || fail "$shape: peak RSS ${kb} KB for a ${size_kb} KB report"
done
finish
