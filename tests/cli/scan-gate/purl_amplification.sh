#!/usr/bin/env bash
# Memory amplification (red team): a CycloneDX component's purl was copied into every finding that
# refers to it, so a 1.2 MB report took 2 GB (20,000 refs: 20 GB, the OOM killer, no ERROR record).
# Purls are interned now, and since red team round three a purl (like every text that names a
# finding) is at most max_finding_text_bytes (4 KiB): this report is refused at its first finding,
# in little memory.
here=$(cd "$(dirname "$0")" && pwd)
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
cd "$TMP"
printf 'version = 1\n[max]\ncritical = 0\n' > policy.toml
python3 - <<'PY'
purl = "pkg:generic/p?x=" + "a" * (1 << 20)
vulns = ",".join('{"id":"CVE-2024-%d","ratings":[{"severity":"low"}],"affects":[{"ref":"c"}]}' % i for i in range(2000))
open("amp.json", "w").write('{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"bom-ref":"c","name":"p","purl":"%s"}],"vulnerabilities":[%s]}' % (purl, vulns))
PY
require_time
run_peak_rss scan-gate --report amp.json --policy policy.toml --unbound-report
expect_rc 2 "2,000 findings sharing one 1 MiB purl"
expect_contains "$err" "vulnerabilities[0]: purl of 1048592 bytes, over the 4096 scan-gate reads" "the refusal names the field"
echo "peak RSS ${peak_kb} KB"
[ "$peak_kb" -lt 600000 ] || fail "2,000 findings sharing one 1 MiB purl took ${peak_kb} KB (the purl copied per finding?)"
finish
