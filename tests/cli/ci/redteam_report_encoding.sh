#!/usr/bin/env bash
# Red team (CI wrappers, outside attacker): the reports the CI systems parse must stay parseable
# whatever the scanner report's text holds, or the DENY's findings vanish from the place people
# read them while only the job's exit code still says DENY.
# The attacker controls a package name. scan-gate copies it byte for byte into:
#   - the GitLab JUnit report (relgate-reports/<job>/scan-gate.junit.xml, artifacts:reports:junit)
#     and --format junit: U+FFFE (JSON "\ufffe") is not an XML 1.0 character and raw bytes 0xff 0xfe
#     are not UTF-8, so the XML is malformed (xmllint: "Char 0xFFFE out of allowed range", "Input is
#     not proper UTF-8") and GitLab's test report shows a parse error instead of the failed check;
#   - --format sarif (the example's github/codeql-action/upload-sarif input): raw 0xff is not UTF-8,
#     the upload refuses the file and code scanning never shows the denying finding.
# Input: Trivy PkgName "p\ufffe q<0xff><0xfe> r" (raw bytes inside the JSON string).
source "$(dirname "$0")/../lib.sh"
skip "defect: scan-gate copies report text that is not UTF-8 (raw 0xff 0xfe) or not an XML character (U+FFFE) into the JUnit (GitLab report and --format junit) and SARIF outputs, which then do not parse. Input: Trivy PkgName \"p\\ufffe q\\xff\\xfe r\""
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
finish
