#!/usr/bin/env bash
# Reports written to break the gate fail closed (exit 2, the file and byte named, an ERROR record):
# deep nesting and long numbers (these crashed every reader), duplicate keys, entries that are not
# objects, an SBOM that is not a scan, and inputs that are not regular files or are too large.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
digest=sha256:$(printf 'hostile image' | sha256sum | cut -d' ' -f1)
printf 'version = 1\n[max]\ncritical = 0\n' > policy.toml
deep=$(python3 -c 'print("[" * 50000 + "]" * 50000)')
long=128.7483646783648483836483648364363648e-336
trivy_head='"SchemaVersion":2,"Metadata":{"RepoDigests":["acme/app@'$digest'"]}'
declare -A heads=([trivy]="$trivy_head" [grype]='"matches":[]' [sarif]='"version":"2.1.0","runs":[]'
                  [cyclonedx]='"bomFormat":"CycloneDX","vulnerabilities":[]')

for format in trivy grype sarif cyclonedx; do
  printf '{%s,"x":%s}' "${heads[$format]}" "$deep" > "deep-$format.json"
  run scan-gate --report "deep-$format.json" --policy policy.toml --format json
  expect_rc 2 "$format: 50,000 nested arrays"
  expect_contains "$err" "deep-$format.json: byte " "$format: deep nesting names file and byte"
  expect_contains "$err" "nested deeper than 64 levels" "$format: deep nesting says why"
  expect_eq "$(jq -r '.decision' <<<"$out")" "ERROR" "$format: deep nesting is an ERROR decision"

  printf '{%s,"x":%s}' "${heads[$format]}" "$long" > "long-$format.json"
  run scan-gate --report "long-$format.json" --policy policy.toml --input-format "$format"
  [ "$rc" = 0 ] || [ "$rc" = 2 ] || fail "$format: a long mantissa: exit $rc ($err)"

  printf '{%s,%s}' "${heads[$format]}" "${heads[$format]}" > "dup-$format.json"
  run scan-gate --report "dup-$format.json" --policy policy.toml --input-format "$format"
  expect_rc 2 "$format: duplicate keys"
  expect_contains "$err" "dup-$format.json: byte " "$format: duplicate key names file and byte"
  expect_contains "$err" "duplicate key" "$format: duplicate key says why"
done

# A long mantissa where a score is read: converted exactly, the finding counted.
cat > long-cvss.json <<JSON
{$trivy_head,"Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"p",
 "InstalledVersion":"1","Severity":"CRITICAL","CVSS":{"nvd":{"V3Score":$long}}}]}]}
JSON
run scan-gate --report long-cvss.json --policy policy.toml --format json
expect_rc 1 "a long mantissa in a score reads exactly"
expect_eq "$(jq -r '.summary.counts.critical.counted' <<<"$out")" 1 "the finding is counted"

# The ERROR reaches the evidence and the CI outputs.
run env GITHUB_ACTIONS=true GITHUB_OUTPUT="$TMP/gh-out" scan-gate --report deep-grype.json --policy policy.toml \
  --evidence ev.json --subject "acme/app@$digest"
expect_rc 2 "deep nesting with evidence"
expect_eq "$(jq -r '.records[-1].decision' ev.json)" "ERROR" "an ERROR record is appended"
expect_contains "$(cat "$TMP/gh-out" 2>/dev/null)" "decision=ERROR" "the CI output says ERROR"

# Vulnerability entries that are not objects hide findings: refused, per format.
for entry in null '"CVE-2024-1"' 7 true; do
  printf '{%s,"Results":[{"Target":"t","Vulnerabilities":[%s]}]}' "$trivy_head" "$entry" > entry.json
  run scan-gate --report entry.json --policy policy.toml
  expect_rc 2 "trivy: a $entry vulnerability entry"
  expect_contains "$err" "Results[0].Vulnerabilities[0] must be an object" "trivy: names the entry ($entry)"
  printf '{"matches":[%s]}' "$entry" > entry.json
  run scan-gate --report entry.json --policy policy.toml
  expect_rc 2 "grype: a $entry match"
  expect_contains "$err" "matches[0] must be an object" "grype: names the entry ($entry)"
  printf '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[%s]}]}' "$entry" > entry.json
  run scan-gate --report entry.json --policy policy.toml
  expect_rc 2 "sarif: a $entry result"
  expect_contains "$err" "runs[0].results[0] must be an object" "sarif: names the entry ($entry)"
  printf '{"bomFormat":"CycloneDX","vulnerabilities":[%s]}' "$entry" > entry.json
  run scan-gate --report entry.json --policy policy.toml
  expect_rc 2 "cyclonedx: a $entry vulnerability"
  expect_contains "$err" "vulnerabilities[0] must be an object" "cyclonedx: names the entry ($entry)"
done

# Duplicate keys inside a finding: first-wins and last-wins readers would count different severities.
printf '{%s,"Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"p","Severity":"CRITICAL","Severity":"LOW"}]}]}' \
  "$trivy_head" > dup-severity.json
run scan-gate --report dup-severity.json --policy policy.toml
expect_rc 2 "a duplicate Severity"
expect_contains "$err" 'duplicate key "Severity"' "names the key"

# An SBOM is not a scan.
printf '{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"openssl","version":"3.0.0"}]}' > sbom.json
run scan-gate --report sbom.json --policy policy.toml
expect_rc 2 "a CycloneDX SBOM without vulnerabilities"
expect_contains "$err" "sbom.json: byte " "the SBOM error names file and byte"
expect_contains "$err" "no vulnerabilities[] member" "the SBOM error says why"

# Inputs that are not regular files are refused at once (a FIFO would block for ever).
mkfifo fifo.json
run timeout 20 scan-gate --report fifo.json --policy policy.toml
expect_rc 2 "a FIFO report"
expect_contains "$err" "fifo.json: not a regular file" "the FIFO is named"
run timeout 20 scan-gate --report /dev/zero --policy policy.toml
expect_rc 2 "/dev/zero as a report"
mkfifo epss.fifo
printf '{%s,"Results":[]}' "$trivy_head" > ok.json
run timeout 20 scan-gate --report ok.json --epss epss.fifo --policy policy.toml
expect_rc 2 "a FIFO EPSS file"
# Over the size cap (a sparse file: nothing is written or read).
truncate -s 3G huge.json
run timeout 20 scan-gate --report huge.json --policy policy.toml
expect_rc 2 "a report over the size cap"
expect_contains "$err" "GiB limit" "the cap is named"
rm -f huge.json
finish
