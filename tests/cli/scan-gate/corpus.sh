#!/usr/bin/env bash
# scan-gate over the real reports in ../shared/corpus: the counts scan-gate reports are checked
# against an independent jq computation (unique id/package/version per severity) on the same files.
source "$(dirname "$0")/../lib.sh"
require_corpus
command -v jq >/dev/null || skip "jq not installed"
C=$RELGATE_CORPUS
policy="$TMP/max.toml"
printf 'version = 1\n[max]\ncritical = 0\nhigh = 10\n' > "$policy"

# counts_of JSON_OUTPUT: "critical=N high=N ..." from scan-gate's summary (found per severity).
counts_of() {
  jq -r '.summary.counts | to_entries | map("\(.key)=\(.value.found)") | join(" ")' <<<"$1"
}
# The same line from jq over the report(s), for Trivy: unique (VulnerabilityID, PkgName,
# InstalledVersion) across all Results of all files, by the record's Severity.
jq_trivy_counts() {
  jq -s -r '[.[] | .Results[]? | .Vulnerabilities[]? | {k: [.VulnerabilityID, .PkgName, .InstalledVersion],
              s: (.Severity | ascii_downcase)}] | unique_by(.k) | group_by(.s) | map({(.[0].s): length}) | add // {}
            | [("critical","high","medium","low","negligible","unknown") as $s | "\($s)=\(.[$s] // 0)"] | join(" ")' "$@"
}
jq_grype_counts() {
  jq -s -r '[.[] | .matches[] | {k: [.vulnerability.id, .artifact.name, .artifact.version],
              s: (.vulnerability.severity | ascii_downcase)}] | unique_by(.k) | group_by(.s) | map({(.[0].s): length}) | add // {}
            | [("critical","high","medium","low","negligible","unknown") as $s | "\($s)=\(.[$s] // 0)"] | join(" ")' "$@"
}

for report in alpine-39 centos-7 centos-7-ignore-unfixed debian-buster npm; do
  run scan-gate --report "$C/trivy/$report.json" --policy "$policy" --format json
  [ "$rc" == 0 ] || [ "$rc" == 1 ] || fail "trivy/$report: exit $rc ($err)"
  expect_eq "$(counts_of "$out")" "$(jq_trivy_counts "$C/trivy/$report.json")" "trivy/$report counts"
  expect_eq "$(jq -r '.summary.reports[0].format' <<<"$out")" "trivy" "trivy/$report detected"
  expect_eq "$(jq -r '.summary.reports[0].sha256' <<<"$out")" "$(sha256sum "$C/trivy/$report.json" | cut -d' ' -f1)" \
    "trivy/$report sha256"
done

# alpine-39: 2 CRITICAL (CVE-2019-14697 in musl and musl-utils) against critical = 0.
run scan-gate --report "$C/trivy/alpine-39.json" --policy "$policy"
expect_rc 1 "alpine-39 denies on critical"
expect_contains "$out" "scan-gate: DENY" "verdict line"
expect_contains "$out" "2 critical findings counted, policy allows 0" "reason names the count and limit"
expect_contains "$out" "CVE-2019-14697     musl 1.1.20-r4 -> 1.1.20-r5" "denying finding with its fix"

# Two reports of the same image: the findings of --ignore-unfixed are all in the full report.
run scan-gate --report "$C/trivy/centos-7.json" --report "$C/trivy/centos-7-ignore-unfixed.json" \
  --policy "$policy" --format json
expect_rc 0 "centos-7 pair allows"
expect_eq "$(counts_of "$out")" "$(jq_trivy_counts "$C/trivy/centos-7.json" "$C/trivy/centos-7-ignore-unfixed.json")" \
  "merged counts across two reports"
expect_eq "$(jq -r '.summary.findings.records' <<<"$out")" \
  "$(jq -s '[.[] | .Results[]? | .Vulnerabilities[]?] | length' "$C/trivy/centos-7.json" "$C/trivy/centos-7-ignore-unfixed.json")" \
  "every record read"

# only_fixable: centos-7's bash (will_not_fix) stops counting.
printf 'version = 1\n[max]\nlow = 0\n[count]\nonly_fixable = true\n' > "$TMP/fixable.toml"
run scan-gate --report "$C/trivy/centos-7.json" --policy "$TMP/fixable.toml" --format json
expect_eq "$(jq -r '.summary.counts.low.counted' <<<"$out")" \
  "$(jq '[.Results[].Vulnerabilities[] | select(.Severity == "LOW" and .Status == "fixed")] | length' "$C/trivy/centos-7.json")" \
  "only fixable LOW findings counted"

for report in gatecheck-grype-report keycloak-test; do
  run scan-gate --report "$C/grype/$report.json" --policy "$policy" --format json
  [ "$rc" == 0 ] || [ "$rc" == 1 ] || fail "grype/$report: exit $rc ($err)"
  expect_eq "$(counts_of "$out")" "$(jq_grype_counts "$C/grype/$report.json")" "grype/$report counts"
done
# gatecheck: 8 critical, 14 high (> 10); CVE-2018-20796 counts as Negligible (its primary record).
run scan-gate --report "$C/grype/gatecheck-grype-report.json" --policy "$policy" --format json
expect_rc 1 "gatecheck report denies"
expect_eq "$(jq -r '.summary.counts.high.counted' <<<"$out")" 14 "gatecheck high"
expect_eq "$(jq -r '[.summary.denying[] | select(.severity == "high")] | length' <<<"$out")" 14 "every high finding listed"
expect_eq "$(jq -r '.summary.findings.denying' <<<"$out")" 22 "8 critical + 14 high deny"
run scan-gate --report "$C/grype/gatecheck-grype-report.json" --policy "$policy"
expect_contains "$out" "Denying findings (22):" "text lists the denying findings"
expect_contains "$out" "+2 more (see --format json)" "capped at 20 with a +N more line"
printf 'version = 1\n[max]\nnegligible = 10\n' > "$TMP/negl.toml"
run scan-gate --report "$C/grype/gatecheck-grype-report.json" --policy "$TMP/negl.toml" --format json
expect_rc 1 "11 negligible over 10"
expect_contains "$(jq -r '.summary.denying[].id' <<<"$out")" "CVE-2018-20796" "primary severity, not the related High"

# SARIF: severities from the rules' security-severity ("5.3" -> medium), as jq computes it.
sarif=$C/sarif/trivy-alpine-310.sarif
run scan-gate --report "$sarif" --policy "$policy" --format json
expect_rc 0 "SARIF report allows"
jq_sarif=$(jq -r '.runs[0] as $r | [$r.results[] | ($r.tool.driver.rules[.ruleIndex].properties["security-severity"] | tonumber)
  | if . >= 9 then "critical" elif . >= 7 then "high" elif . >= 4 then "medium" elif . > 0 then "low" else "unknown" end]
  | group_by(.) | map({(.[0]): length}) | add
  | [("critical","high","medium","low","negligible","unknown") as $s | "\($s)=\(.[$s] // 0)"] | join(" ")' "$sarif")
expect_eq "$(counts_of "$out")" "$jq_sarif" "SARIF counts"

# CycloneDX from Trivy: the same single jquery finding as npm.json, so together they count once.
run scan-gate --report "$C/trivy/npm-cyclonedx.cdx.json" --report "$C/trivy/npm.json" --policy "$policy" --format json
expect_rc 0 "CycloneDX + Trivy JSON allow"
expect_eq "$(jq -r '.summary.reports | map(.format) | join(",")' <<<"$out")" "cyclonedx,trivy" "both formats detected"
expect_eq "$(jq -r '.summary.findings.unique' <<<"$out")" \
  "$(jq '[.vulnerabilities[] | .affects[]] | length' "$C/trivy/npm-cyclonedx.cdx.json")" "one unique finding"
expect_eq "$(jq -r '.summary.findings.records' <<<"$out")" 2 "two records merged"

# The real KEV catalogue: its version goes into the summary; none of the fixtures' CVEs is listed.
kev=$C/kev/known_exploited_vulnerabilities.json
run scan-gate --report "$C/grype/gatecheck-grype-report.json" --kev "$kev" --policy "$TMP/negl.toml" --format json
expect_eq "$(jq -r '.summary.kev.catalog_version' <<<"$out")" "$(jq -r .catalogVersion "$kev")" "KEV catalogVersion recorded"
expect_eq "$(jq -r '.summary.kev.entries' <<<"$out")" "$(jq '.vulnerabilities | map(.cveID) | unique | length' "$kev")" "KEV entries"
expect_eq "$(jq -r '.summary.kev.matches' <<<"$out")" 0 "no fixture CVE is in KEV"

# A generated report naming a CVE that the real catalogue lists, through a GHSA primary id.
listed=$(jq -r '.vulnerabilities[0].cveID' "$kev")
cat > "$TMP/kev-grype.json" <<JSON
{"matches":[{"vulnerability":{"id":"GHSA-test-kev0-0001","severity":"Low","fix":{"versions":[],"state":"not-fixed"}},
  "relatedVulnerabilities":[{"id":"$listed","severity":"High"}],"artifact":{"name":"git","version":"2.39.0"}}]}
JSON
printf 'version = 1\n[deny]\nkev = true\n' > "$TMP/kev.toml"
run scan-gate --report "$TMP/kev-grype.json" --kev "$kev" --policy "$TMP/kev.toml"
expect_rc 1 "KEV-listed (via related CVE) denies"
expect_contains "$out" "is in CISA KEV $(jq -r .catalogVersion "$kev") (known exploited)" "KEV reason names the catalogue"

# The real OpenVEX file (Trivy's own): a report with one of its subcomponents is suppressed.
vex=$C/vex/trivy.openvex.json
read -r vex_id vex_purl < <(jq -r '.statements[0] | "\(.vulnerability.aliases[0]) \(.products[0].subcomponents[0]["@id"])"' "$vex")
cat > "$TMP/vex-trivy.json" <<JSON
{"SchemaVersion":2,"ArtifactName":"trivy","Results":[{"Target":"trivy","Class":"lang-pkgs","Type":"gobinary","Vulnerabilities":[
 {"VulnerabilityID":"$vex_id","PkgName":"${vex_purl#pkg:golang/}","InstalledVersion":"v3.14.0",
  "PkgIdentifier":{"PURL":"$vex_purl@v3.14.0"},"Severity":"HIGH","Status":"fixed","FixedVersion":"3.14.2"},
 {"VulnerabilityID":"CVE-2099-0001","PkgName":"${vex_purl#pkg:golang/}","InstalledVersion":"v3.14.0",
  "PkgIdentifier":{"PURL":"$vex_purl@v3.14.0"},"Severity":"HIGH","Status":"fixed","FixedVersion":"3.14.2"}]}]}
JSON
printf 'version = 1\n[max]\nhigh = 0\n' > "$TMP/high0.toml"
run scan-gate --report "$TMP/vex-trivy.json" --policy "$TMP/high0.toml" --vex "$vex" --format json
expect_rc 1 "one HIGH remains after VEX"
expect_eq "$(jq -r '.summary.counts.high | "\(.found) \(.suppressed) \(.counted)"' <<<"$out")" "2 1 1" "VEX suppressed one"
expect_contains "$(jq -r '.summary.suppressed[0].suppressed_by' <<<"$out")" "VEX not_affected (vulnerable_code_not_in_execute_path)" \
  "suppression names the statement"
expect_eq "$(jq -r '.summary.vex.statements' <<<"$out")" "$(jq '.statements | length' "$vex")" "every statement loaded"
finish
