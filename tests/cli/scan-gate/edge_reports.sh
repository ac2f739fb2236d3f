#!/usr/bin/env bash
# scan-gate on generated reports for every edge: empty Results, missing Vulnerabilities, unknown
# severities, comma lists in FixedVersion, duplicates across reports, truncated JSON, a JSON
# array instead of an object, unknown formats; exit codes and the messages people read.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
printf 'version = 1\n[max]\ncritical = 0\nhigh = 1\n' > policy.toml

vuln() { # vuln ID PKG VERSION SEVERITY [FIXED]
  printf '{"VulnerabilityID":"%s","PkgName":"%s","InstalledVersion":"%s","Severity":"%s","FixedVersion":"%s","Status":"%s"}' \
    "$1" "$2" "$3" "$4" "${5:-}" "$([ -n "${5:-}" ] && echo fixed || echo affected)"
}

# Empty Results and a result without Vulnerabilities: nothing found, ALLOW.
echo '{"SchemaVersion":2,"ArtifactName":"empty","Results":[]}' > empty.json
echo '{"SchemaVersion":2,"ArtifactName":"x","Results":[{"Target":"go.sum","Class":"lang-pkgs","Type":"gomod"}]}' > novulns.json
run scan-gate --report empty.json --report novulns.json --policy policy.toml
expect_rc 0 "empty reports allow"
expect_contains "$out" "scan-gate: ALLOW" "verdict"
expect_contains "$out" "0 unique finding(s) from 0 record(s) in 2 report(s)" "nothing found"

# Unknown severities count as unknown, are named, and deny only when the policy says so.
printf '{"SchemaVersion":2,"Results":[{"Target":"t","Vulnerabilities":[%s,%s]}]}' \
  "$(vuln CVE-2024-0001 a 1 SEVERE)" "$(vuln CVE-2024-0002 b 1 UNKNOWN)" > unknown.json
run scan-gate --report unknown.json --policy policy.toml --format json
expect_rc 0 "unknown severities alone do not deny under [max]"
expect_eq "$(jq -r '.summary.counts.unknown.found' <<<"$out")" 2 "both counted as unknown"
expect_eq "$(jq -r '.summary.reports[0].unrecognised_severities' <<<"$out")" 1 "the unrecognised one is reported"
printf 'version = 1\n[deny]\nunknown_severity = true\n' > deny-unknown.toml
run scan-gate --report unknown.json --policy deny-unknown.toml
expect_rc 1 "deny unknown severity"
expect_contains "$out" "2 findings with unknown severity" "reason"

# Comma lists in FixedVersion are kept as one normalised list.
printf '{"SchemaVersion":2,"Results":[{"Target":"t","Vulnerabilities":[%s]}]}' \
  "$(vuln CVE-2019-1551 libssl1.1 1.1.1c-r0 CRITICAL '1.1.1d-r2,1.0.2u')" > comma.json
run scan-gate --report comma.json --policy policy.toml --format json
expect_rc 1 "critical denies"
expect_eq "$(jq -r '.summary.denying[0].fixed_version' <<<"$out")" "1.1.1d-r2, 1.0.2u" "fixed versions normalised"
expect_eq "$(jq -r '.summary.denying[0].fix_state' <<<"$out")" "fixed" "fix state"

# Duplicates across targets and reports count once; the worst primary severity wins.
printf '{"SchemaVersion":2,"Results":[{"Target":"layer1","Vulnerabilities":[%s,%s]},{"Target":"layer2","Vulnerabilities":[%s]}]}' \
  "$(vuln CVE-2024-1 zlib 1.2 HIGH 1.3)" "$(vuln CVE-2024-2 curl 8.0 HIGH)" "$(vuln CVE-2024-1 zlib 1.2 HIGH 1.3)" > dup-a.json
cat > dup-b.json <<'JSON'
{"matches":[{"vulnerability":{"id":"CVE-2024-1","severity":"High","fix":{"versions":["1.3"],"state":"fixed"}},
  "artifact":{"name":"zlib","version":"1.2"}},
 {"vulnerability":{"id":"CVE-2024-2","severity":"Medium","fix":{"versions":[],"state":"not-fixed"}},
  "artifact":{"name":"curl","version":"8.0"}}]}
JSON
run scan-gate --report dup-a.json --report dup-b.json --policy policy.toml --format json
expect_eq "$(jq -r '.summary.findings | "\(.records) \(.unique)"' <<<"$out")" "5 2" "5 records, 2 unique findings"
expect_eq "$(jq -r '.summary.counts.high.counted' <<<"$out")" 2 "both HIGH (worst primary severity)"
expect_rc 1 "2 high > max 1"
expect_contains "$(jq -r '.reasons[0]' <<<"$out")" "2 high findings counted, policy allows 1" "reason"

# Truncated JSON: exit 2, the file, the byte offset and what was expected.
head -c 150 dup-a.json > truncated.json
run scan-gate --report truncated.json --policy policy.toml
expect_rc 2 "truncated report fails closed"
expect_contains "$err" "truncated.json: invalid JSON at byte 150 (the file ends early: truncated?)" "names file and offset"
expect_contains "$err" "Expected a Trivy JSON report" "says what was expected"

# A JSON array instead of an object.
echo '[{"SchemaVersion":2}]' > array.json
run scan-gate --report array.json --policy policy.toml
expect_rc 2 "array refused"
expect_contains "$err" "array.json: byte 0: found a JSON array at the top; expected a JSON object" "array message"

# Unknown JSON, non-JSON, a missing file, OpenVEX given as a report.
echo '{"hello":"world"}' > unknown-format.json
run scan-gate --report unknown-format.json --policy policy.toml
expect_rc 2 "unknown format"
expect_contains "$err" "unknown report format (top-level keys: hello)" "lists the keys seen"
echo 'not json at all' > text.json
run scan-gate --report text.json --policy policy.toml
expect_rc 2 "not JSON"
expect_contains "$err" "text.json: invalid JSON at byte 1: Invalid value" "offset and what is wrong"
run scan-gate --report missing.json --policy policy.toml
expect_rc 2 "missing file"
expect_contains "$err" "missing.json: cannot open report" "missing file message"
echo '{"@context":"https://openvex.dev/ns/v0.2.0","statements":[]}' > vex-as-report.json
run scan-gate --report vex-as-report.json --policy policy.toml
expect_rc 2 "VEX as report"
expect_contains "$err" "pass it with --vex" "VEX hint"
run scan-gate --report dup-a.json --input-format grype --policy policy.toml
expect_rc 2 "forced wrong format"
expect_contains "$err" "not a Grype report: the top-level matches[] array is missing" "forced format message"
run scan-gate --policy policy.toml
expect_rc 2 "no report"
expect_contains "$err" "--report is required" "usage message"

# A bad policy fails closed, naming file:line.
printf 'version = 1\n[max]\ncritical = "zero"\n' > bad-policy.toml
run scan-gate --report empty.json --policy bad-policy.toml
expect_rc 2 "bad policy"
expect_contains "$err" "bad-policy.toml:3" "policy error location"

# Allow-list: expiry is checked against the clock (--now pins it); expired = DENY.
cat > allow.toml <<'TOML'
version = 1
[max]
critical = 0
[[allow]]
id = "CVE-2019-1551"
package = "libssl1.1"
reason = "not reachable: TLS is terminated at the proxy"
expires = "2026-03-01"
TOML
run scan-gate --report comma.json --policy allow.toml --format json --now 2026-02-11T00:00:00Z
expect_rc 0 "allowed until March"
expect_eq "$(jq -r '.summary.counts.critical | "\(.found) \(.suppressed) \(.counted)"' <<<"$out")" "1 1 0" "suppressed by the allow entry"
run scan-gate --report comma.json --policy allow.toml --now 2026-03-02T00:00:00Z
expect_rc 1 "expired exception denies"
expect_contains "$out" "expired on 2026-03-01: fix the finding or renew the exception" "expiry reason"
sed -i 's/expires = "2026-03-01"/expires = "march"/' allow.toml
run scan-gate --report comma.json --policy allow.toml --now 2026-02-11T00:00:00Z
expect_rc 1 "unparsable expiry denies"
expect_contains "$out" "expires 'march' is not a date" "unparsable reason"
sed -i 's/expires = "march"/expires = 2026-03-01/' allow.toml
run scan-gate --report comma.json --policy allow.toml --now 2026-02-11T00:00:00Z
expect_rc 0 "a bare TOML date works like a quoted one"
run scan-gate --report comma.json --policy allow.toml --now 2026-03-02T00:00:00Z
expect_rc 1 "a bare TOML date expires too"
expect_contains "$out" "expired on 2026-03-01: fix the finding or renew the exception" "expiry reason from a TOML date"
finish
