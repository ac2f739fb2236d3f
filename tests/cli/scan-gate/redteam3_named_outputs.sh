#!/usr/bin/env bash
# Red team (round three, 5a73753): with a policy of fact-only keys ([max], [count], [deny] cvss and
# unknown_severity; no VEX, KEV, EPSS, [[allow]] or [deny] ids), evaluate() loads only a finding's
# facts and its texts for the findings it names. Every format must still name every finding it
# lists, with the same decision and reasons as a run whose texts are all loaded (an [[allow]]
# entry that matches nothing forces them). Held: 4 formats x 2 policies.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
vuln() { # vuln ID PACKAGE VERSION SEVERITY [EXTRA]
  printf '{"VulnerabilityID":"%s","PkgName":"%s","InstalledVersion":"%s","Severity":"%s"%s}' "$1" "$2" "$3" "$4" "${5:+,$5}"
}
{
  printf '{"SchemaVersion":2,"ArtifactName":"img","Results":[{"Target":"t","Vulnerabilities":['
  vuln CVE-2024-1001 musl 1.2.4 CRITICAL '"FixedVersion":"1.2.5","Status":"fixed"'
  printf ','
  vuln GHSA-aaaa-bbbb-cccc lodash 4.17.20 HIGH '"CVSS":{"nvd":{"V3Score":9.8}}'
  printf ','
  vuln CVE-2024-1003 zlib 1.3 UNKNOWN
  printf ','
  vuln CVE-2024-1004 openssl 3.0.1 CRITICAL '"Status":"not_affected"'
  printf ','
  vuln CVE-2024-1005 busybox 1.36 LOW
  printf ']}]}'
} > report.json
facts='version = 1\n[max]\ncritical = 0\nhigh = 0\n[deny]\ncvss = 9.0\nunknown_severity = true\n'
printf "$facts" > facts.toml
printf "$facts"'[[allow]]\nid = "NO-SUCH-ID"\nreason = "forces the texts to load"\n' > texts.toml

for format in text json sarif junit; do
  run scan-gate --report report.json --policy facts.toml --unbound-report --format "$format"
  expect_rc 1 "facts-only policy, $format"
  facts_out=$out
  for name in CVE-2024-1001 musl GHSA-aaaa-bbbb-cccc lodash CVE-2024-1003 zlib; do
    expect_contains "$facts_out" "$name" "facts-only policy, $format names $name"
  done
  expect_not_contains "$facts_out" "busybox" "facts-only policy, $format: the LOW finding denies nothing"
  run scan-gate --report report.json --policy texts.toml --unbound-report --format "$format"
  expect_rc 1 "texts-loaded policy, $format"
  if [ "$format" = json ]; then
    expect_eq "$(jq -c '[.decision, .reasons]' <<<"$facts_out")" "$(jq -c '[.decision, .reasons]' <<<"$out")" \
      "json: the same decision and reasons with and without texts"
    expect_eq "$(jq -c '[.summary.denying[] | [.id, .package, .version, .why]]' <<<"$facts_out")" \
      "$(jq -c '[.summary.denying[] | [.id, .package, .version, .why]]' <<<"$out")" \
      "json: the same denying findings with and without texts"
    expect_eq "$(jq -c '[.summary.suppressed[] | [.id, .package]]' <<<"$facts_out")" \
      '[["CVE-2024-1004","openssl"]]' "json: the report's own not_affected is listed with its name"
  fi
done
finish
