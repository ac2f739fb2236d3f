#!/usr/bin/env bash
# Red team (round three): a text the report names once but many findings share is copied into each
# finding that is delivered, hashed, compared and printed, so work and memory grow with
# (text size) x (findings): quadratic in the report's size. Not from today's changes (the readers
# copy the texts, and intern()/key_hashes() hash them whole per record, as before 572b354).
#   1. CycloneDX: one component whose name is 1 MiB, named by 500 vulnerabilities (a 1.1 MB
#      report): --format json (every denying finding, detail_cap all_details) peaks at 1.8 GB RSS
#      and writes 530 MB; 2,000 such vulnerabilities (1.2 MB): 6.4 GB RSS, 2.1 GB, 33 s.
#   2. SARIF: one rule whose id is 1 MiB, named by ruleIndex from 500 results at 500 locations
#      (1.1 MB): --format json, 1.8 GB RSS, 530 MB written.
#   3. CycloneDX: one component whose name is 4 MiB, named 20,000 times in one vulnerability's
#      affects[] (a 4.4 MB report, one finding once merged): 19.9 s of CPU, against well under a
#      second for the same bytes with the refs naming a short component. 44 MB would take ~30 min,
#      the 2 GiB report cap hours: a hang.
# Measured 2026-12-02 on the gcc build (2 cores). The decision is DENY (exit 1) where it finishes,
# but a CI runner is OOM-killed (no ERROR record) or times out.
# Fixed: a text that names a finding is at most max_finding_text_bytes (4096) long, else the report
# is refused (exit 2) at the first finding that has it, naming the record and the field.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
require_time
grep -qa "AddressSanitizer" "$(command -v scan-gate)" && skip "RSS bounds are for the product build"
printf 'version = 1\n[max]\ncritical = 0\nhigh = 0\n' > policy.toml
python3 - <<'PY'
big = "n" * (1 << 20)
vulns = ",".join('{"id":"CVE-2024-%d","ratings":[{"severity":"critical"}],"affects":[{"ref":"c"}]}' % i for i in range(500))
open("cdx_names.json", "w").write('{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"bom-ref":"c","name":"%s","version":"1"}],"vulnerabilities":[%s]}' % (big, vulns))
results = ",".join('{"ruleIndex":0,"level":"error","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"f%d"}}}]}' % i for i in range(500))
open("sarif_ids.json", "w").write('{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"%s"}]}},"results":[%s]}]}' % (big.replace("n", "R"), results))
huge = "n" * (4 << 20)
def refs(to):
    return ",".join(['{"ref":"%s"}' % to] * 20000)
for name, to in (("cdx_refs", "c"), ("cdx_refs_peer", "d")):
    open(name + ".json", "w").write('{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"bom-ref":"c","name":"%s","version":"1"},{"bom-ref":"d","name":"s","version":"1"}],"vulnerabilities":[{"id":"CVE-2024-1","ratings":[{"severity":"low"}],"affects":[%s]}]}' % (huge, refs(to)))
PY
for report in cdx_names sarif_ids; do
  run_peak_rss scan-gate --report "$report.json" --policy policy.toml --unbound-report --format json
  expect_rc 2 "$report: a 1 MiB shared text"
  expect_contains "$err" "of 1048576 bytes, over the 4096 scan-gate reads" "$report: the refusal says why"
  echo "$report: exit $rc, peak RSS ${peak_kb} KB, ${#out} bytes of output"
  [ "$peak_kb" -lt 300000 ] || fail "$report: peak RSS ${peak_kb} KB for a 1.1 MB report (a shared text copied per finding)"
done
cpu_run() { # cpu_run REPORT: one run; its exit code in $rc, user+system CPU seconds in $cpu
  /usr/bin/time -f '%U %S' -o "$TMP/.cpu" scan-gate --report "$1" --policy policy.toml --unbound-report >/dev/null 2>&1
  rc=$?
  cpu=$(tail -n 1 "$TMP/.cpu" | awk '{print $1 + $2}')
}
cpu_run cdx_refs_peer.json
peer=$cpu
cpu_run cdx_refs.json
attacked=$cpu
expect_rc 2 "cdx_refs: 20,000 refs to a 4 MiB component name"
echo "20,000 refs: ${attacked} s CPU to a 4 MiB name, ${peer} s to a short one (same bytes)"
awk -v a="$attacked" -v p="$peer" 'BEGIN { exit !(a <= 10 * p + 1) }' ||
  fail "20,000 refs to a 4 MiB component name: ${attacked} s CPU against ${peer} s for the same bytes"
finish
