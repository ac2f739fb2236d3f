#!/usr/bin/env bash
# scan-gate --format json|sarif|junit and --evidence: the outputs CI systems read, the evidence
# record (inputs with sha256, policy, summary) and the judged digest from Trivy's RepoDigests.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
digest=sha256:$(printf 'api image' | sha256sum | cut -d' ' -f1)
other=sha256:$(printf 'other image' | sha256sum | cut -d' ' -f1)
cat > report.json <<JSON
{"SchemaVersion":2,"ArtifactName":"ghcr.io/acme/api:1.0","Metadata":{"RepoDigests":["ghcr.io/acme/api@$digest"]},
 "Results":[{"Target":"api (alpine 3.19)","Class":"os-pkgs","Vulnerabilities":[
  {"VulnerabilityID":"CVE-2024-0001","PkgName":"openssl","InstalledVersion":"3.1.0","FixedVersion":"3.1.4","Status":"fixed",
   "Severity":"CRITICAL","CVSS":{"nvd":{"V3Score":9.8}}},
  {"VulnerabilityID":"CVE-2024-0002","PkgName":"zlib","InstalledVersion":"1.2","Severity":"LOW","Status":"affected"}]}]}
JSON
printf 'version = 1\n[max]\ncritical = 0\n' > policy.toml

run scan-gate --report report.json --policy policy.toml --format json
expect_rc 1 "json deny"
expect_eq "$(jq -r '"\(.step) \(.decision)"' <<<"$out")" "scan-gate DENY" "stable keys"
expect_eq "$(jq -r '.summary.denying | length' <<<"$out")" 1 "denying findings"
expect_eq "$(jq -r '.summary.denying[0].cvss' <<<"$out")" 9.8 "CVSS"
expect_eq "$(jq -r '.checks[] | select(.name == "max critical") | .passed' <<<"$out")" false "check"

run scan-gate --report report.json --policy policy.toml --format sarif
expect_rc 1 "sarif keeps the exit code"
expect_eq "$(jq -r '.version' <<<"$out")" "2.1.0" "SARIF version"
expect_eq "$(jq -r '.runs[0].results | length' <<<"$out")" 1 "one result per denying finding"
expect_eq "$(jq -r '.runs[0].tool.driver.rules[0].properties["security-severity"]' <<<"$out")" "9.8" "security-severity string"
expect_eq "$(jq -r '.runs[0].results[0].level' <<<"$out")" "error" "critical is error"
# Our SARIF is itself a valid scan-gate input: the same finding comes back.
printf '%s\n' "$out" > ours.sarif
run scan-gate --report ours.sarif --policy policy.toml --format json
expect_rc 1 "round trip"
expect_eq "$(jq -r '.summary.denying[0] | "\(.id) \(.package) \(.version) \(.severity)"' <<<"$out")" \
  "CVE-2024-0001 openssl 3.1.0 critical" "SARIF round trip keeps id, package, version, severity"

run scan-gate --report report.json --policy policy.toml --format junit
expect_rc 1 "junit keeps the exit code"
expect_contains "$out" '<testsuite name="relgate.scan-gate" tests="1" failures="1"' "suite counts (the name GitLab's report files use too)"
expect_contains "$out" 'CVE-2024-0001 in openssl 3.1.0 -&gt; 3.1.4 [critical]' "failure lists the finding"
if command -v python3 >/dev/null; then
  printf '%s' "$out" | python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.read())' \
    || fail "JUnit output is not well-formed XML"
fi

# Evidence: created with the subject; the record names inputs, policy and summary.
run scan-gate --report report.json --policy policy.toml --evidence ev.json --subject "ghcr.io/acme/api@$digest"
expect_rc 1 "deny recorded"
expect_eq "$(jq -r '.records | length' ev.json)" 1 "one record"
expect_eq "$(jq -r '.records[0].step' ev.json)" "scan-gate" "record step"
expect_eq "$(jq -r '.records[0].decision' ev.json)" "DENY" "record decision"
expect_eq "$(jq -r '.records[0].inputs[0].sha256' ev.json)" "$(sha256sum report.json | cut -d' ' -f1)" "input sha256"
expect_eq "$(jq -r '.records[0].policy.sha256' ev.json)" "$(sha256sum policy.toml | cut -d' ' -f1)" "policy sha256"
expect_eq "$(jq -r '.records[0].summary.counts.critical.counted' ev.json)" 1 "summary in the record"

# A report about another image must not be recorded against this subject.
run scan-gate --report report.json --policy policy.toml --evidence other.json --subject "ghcr.io/acme/api@$other"
expect_rc 2 "judged digest differs from the subject"
expect_contains "$err" "$digest" "names the judged digest"
finish
