#!/usr/bin/env bash
# Red team (issue-13 session): a report rewritten in place while scan-gate reads it. The hashing
# thread and the parser read the same MAP_PRIVATE mapping at different times, and a page read
# (or read back after MADV_DONTNEED) shows what the file holds then. With the hasher starved (one
# core, SCHED_IDLE, as in large_report_hash.sh) the parser judges the whole report first; a
# finding rewritten from LOW to CRITICAL after that is in the digest but was never judged: the
# record says ALLOW for a report that scan-gate denies when run again. Fail closed is exit 2 (the
# file changed while it was read: its ctime/size since open) or the digest of the bytes judged.
source "$(dirname "$0")/../lib.sh"
# Was (2026-12-02, 2 of 2 runs): ALLOW with the digest of the rewritten (DENY) report. Fixed: the
# file's size, mtime and ctime are compared with those at open (exit 2 when they differ).
cd "$TMP"
command -v taskset >/dev/null && taskset -c 0 true 2>/dev/null && command -v chrt >/dev/null ||
  skip "taskset or chrt unavailable"
printf 'version = 1\n[max]\ncritical = 0\n' > policy.toml
# ~64 MB of LOW findings; the one in the middle is "LOW" and five spaces, room for "CRITICAL".
python3 - <<'PY'
n = 64 * 1024 * 1024 // 3200
parts = []
for i in range(n):
    severity = '"LOW"     ' if i == n // 2 else '"LOW"'
    parts.append('{"VulnerabilityID":"CVE-2024-%d","PkgName":"p%d","InstalledVersion":"1","Severity":%s,'
                 '"Description":"%s"}' % (i, i, severity, "x" * 3000))
open("report.json", "w").write('{"SchemaVersion":2,"ArtifactName":"img","Results":[{"Target":"t",'
                               '"Vulnerabilities":[' + ",\n".join(parts) + ']}]}')
PY
offset=$(grep -bo '"LOW"     ' report.json | cut -d: -f1)
original=$(sha256sum report.json | cut -d' ' -f1)

taskset -c 0 timeout 4 sh -c 'while :; do :; done' &
busy=$!
taskset -c 0 scan-gate --report report.json --policy policy.toml --unbound-report --format json \
  >gate.out 2>gate.err &
gate=$!
starved=no
for _ in $(seq 1 400); do
  [ "$(ls "/proc/$gate/task" 2>/dev/null | wc -l)" -ge 2 ] && break
  sleep 0.002
done
for task in $(ls "/proc/$gate/task" 2>/dev/null); do
  [ "$task" = "$gate" ] || { chrt -i -p 0 "$task" && starved=yes; }
done
sleep 2 # the parser has judged the report; the starved hasher has read at most its first 8 MB
printf '"CRITICAL"' | dd of=report.json bs=1 seek="$offset" conv=notrunc status=none
wait "$gate"; gate_rc=$?
wait "$busy" 2>/dev/null
[ "$starved" = yes ] || skip "the hashing thread was not found in time"
rewritten=$(sha256sum report.json | cut -d' ' -f1)
run scan-gate --report report.json --policy policy.toml --unbound-report --format json
expect_rc 1 "the rewritten report, judged again"
decision=$(jq -r .decision gate.out 2>/dev/null)
digest=$(jq -r '.summary.reports[0].sha256' gate.out 2>/dev/null)
echo "during the rewrite: exit $gate_rc, $decision, digest $digest (original $original, rewritten $rewritten)"
if [ "$gate_rc" != 2 ]; then
  # Whatever was judged, the digest must name it: ALLOW is the original's, DENY the rewritten's.
  [ "$decision" = ALLOW ] && expect_eq "$digest" "$original" "ALLOW names the report it judged"
  [ "$decision" = DENY ] && expect_eq "$digest" "$rewritten" "DENY names the report it judged"
  [ "$decision" = ALLOW ] || [ "$decision" = DENY ] || fail "exit $gate_rc, decision '$decision'"
fi
finish
