#!/usr/bin/env bash
# Red team (CI wrappers, outside attacker): the reports the CI systems parse must stay parseable
# whatever the scanner report's text holds, or the DENY's findings vanish from the place people
# read them while only the job's exit code still says DENY.
# The attacker controls a package name: Trivy PkgName "p\ufffe q<0xff><0xfe> r" (raw bytes inside the
# JSON string; U+FFFE is not an XML 1.0 character, 0xff 0xfe are not UTF-8). Proves: the GitLab
# JUnit report, --format junit / sarif / json and the evidence record are strict UTF-8 and XML 1.0
# (U+FFFD in their place), and the run records its DENY instead of failing on its own evidence.
source "$(dirname "$0")/../lib.sh"
[ -x "$RELGATE_BIN_DIR/scan-gate" ] || skip "scan-gate binary not built"
command -v python3 >/dev/null || skip "python3 not installed"
cd "$TMP"
unset GITHUB_ACTIONS GITLAB_CI GITHUB_OUTPUT GITHUB_STEP_SUMMARY
now=2026-01-01T00:00:00Z

printf '%s' '{"SchemaVersion":2,"ArtifactName":"acme/api","ArtifactType":"container_image","Results":[{"Target":"img","Class":"os-pkgs","Type":"debian","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-0001","PkgName":"p\ufffe q' > hostile.json
printf '\xff\xfe' >> hostile.json
printf '%s' ' r","InstalledVersion":"1","FixedVersion":"2","Severity":"CRITICAL"}]}]}' >> hostile.json
printf 'version = 1\n[max]\ncritical = 0\n' > scan.toml

# parses FILE xml|json: strict UTF-8, strict XML 1.0 / JSON; prints why not.
parses() {
  python3 - "$1" "$2" <<'PY'
import json, sys
import xml.etree.ElementTree as ET
path, kind = sys.argv[1], sys.argv[2]
text = open(path, "rb").read().decode("utf-8")
if kind == "xml":
    ET.fromstring(text.encode("utf-8"))
else:
    json.loads(text)
PY
}

run env GITLAB_CI=true RELGATE_REPORT_DIR="$TMP/reports" scan-gate --report hostile.json --policy scan.toml \
  --unbound-report --now "$now"
expect_rc 1 "hostile report is denied (GitLab)"
parses "$TMP/reports/scan-gate.junit.xml" xml || fail "the GitLab JUnit report does not parse"
expect_contains "$(cat "$TMP/reports/scan-gate.env" 2>/dev/null)" "RELGATE_SCAN_GATE_DECISION=DENY" "dotenv says DENY"

run scan-gate --report hostile.json --policy scan.toml --unbound-report --now "$now" --format junit
expect_rc 1 "hostile report is denied (--format junit)"
printf '%s' "$out" > out.junit.xml
parses out.junit.xml xml || fail "--format junit does not parse"

run scan-gate --report hostile.json --policy scan.toml --unbound-report --now "$now" --format sarif
expect_rc 1 "hostile report is denied (--format sarif)"
printf '%s' "$out" > out.sarif
parses out.sarif json || fail "--format sarif is not UTF-8 JSON"
expect_contains "$(cat out.sarif)" $'p\xef\xbf\xbe q\xef\xbf\xbd\xef\xbf\xbd r' \
  "SARIF keeps the name (U+FFFE is valid JSON text), bad bytes as U+FFFD"

run scan-gate --report hostile.json --policy scan.toml --unbound-report --now "$now" --format json
expect_rc 1 "hostile report is denied (--format json)"
printf '%s' "$out" > out.json
parses out.json json || fail "--format json is not UTF-8 JSON"

# The evidence record: before, the record was refused as unreadable and the run ended in ERROR (2).
digest=sha256:$(printf 'artifact' | sha256sum | cut -d' ' -f1)
run evidence init --evidence e.json --subject "acme/api@$digest" --now "$now"
expect_rc 0 "evidence init"
run scan-gate --report hostile.json --policy scan.toml --unbound-report --now "$now" --evidence e.json \
  --subject "acme/api@$digest"
expect_rc 1 "hostile report is denied and the DENY recorded"
parses e.json json || fail "the evidence file is not UTF-8 JSON"
run evidence verify --evidence e.json
expect_rc 0 "the evidence file reads and its chain is intact"
run evidence show --evidence e.json
expect_contains "$out" "scan-gate  DENY" "the recorded decision is the DENY"
finish
