#!/usr/bin/env bash
# Red team (issue-13 session): a broken report appended to while scan-gate reads it. A report the
# parser refuses is parsed again by RapidJSON (reference_syntax_error) as a NUL-terminated text:
# ReportInput promises a '\0' after the bytes, but when the size is not a multiple of the page
# size that '\0' is the rest of the file's last page, which shows whatever is written to the file
# after it was mapped. RapidJSON then reads past the report into the end of that page and on past
# the mapping (the error offset names a byte beyond both the file and the mapping; a SIGSEGV
# when nothing is mapped there). Fail closed and in bounds: exit 2 naming a byte within the file.
source "$(dirname "$0")/../lib.sh"
# Was (2026-12-02): "invalid JSON at byte 40001536" for a 40000040-byte report, the first byte
# after the mapping. Fixed: a zero page after the file's last page, and a file that changed while
# it was read is refused as such (exit 2, "changed while scan-gate read it").
cd "$TMP"
printf 'version = 1\n[max]\ncritical = 0\n' > policy.toml
# ~40 MB of findings, then a string that is never closed; the size is not a multiple of 4096.
python3 - <<'PY'
parts = ['{"VulnerabilityID":"CVE-2024-%d","PkgName":"p%d","InstalledVersion":"1","Severity":"LOW",'
         '"Description":"%s"}' % (i, i, "x" * 3000) for i in range(12500)]
text = '{"SchemaVersion":2,"ArtifactName":"img","Results":[{"Target":"t","Vulnerabilities":[' + ",".join(parts)
text += ']}],"Pad":"' + "x" * 1000
if len(text) % 4096 == 0:
    text += "x"
open("broken.json", "w").write(text)
PY
size=$(stat -c %s broken.json)
run scan-gate --report broken.json --policy policy.toml --unbound-report
expect_rc 2 "the broken report"
expect_contains "$err" "invalid JSON at byte $size " "the broken report: the error is at its end"
judged=0
for attempt in 1 2 3; do
  cp broken.json report.json
  scan-gate --report report.json --policy policy.toml --unbound-report >gate.out 2>gate.err &
  gate=$!
  mapped=0
  for _ in $(seq 1 2000); do
    grep -q "$TMP/report.json" "/proc/$gate/maps" 2>/dev/null && { mapped=1; break; }
    kill -0 "$gate" 2>/dev/null || break
  done
  [ "$mapped" = 1 ] && head -c 100000 /dev/zero | tr '\0' 'x' >>report.json
  wait "$gate"; gate_rc=$?
  [ "$mapped" = 1 ] || continue
  judged=$((judged + 1))
  echo "attempt $attempt: exit $gate_rc: $(grep -v WARNING gate.err)"
  [ "$gate_rc" = 2 ] || fail "attempt $attempt: exit $gate_rc, expected 2"
  at=$(grep -o 'invalid JSON at byte [0-9]*' gate.err | grep -o '[0-9]*$')
  grep -q "changed while scan-gate read it" gate.err || { [ -n "$at" ] && [ "$at" -le "$size" ]; } || fail "attempt $attempt: error at byte '${at}', past the ${size}-byte report"
done
[ "$judged" -gt 0 ] || skip "the mapping was never seen"
finish
