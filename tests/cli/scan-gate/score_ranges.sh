#!/usr/bin/env bash
# Scores out of range (red team): a Trivy CVSS score outside 0..10 was taken silently (-9.8 as no
# score, so ALLOW under [deny] cvss; 99 as 99). Now exit 2 naming the field, in Grype (baseScore,
# epss) and CycloneDX (ratings[].score) too; 0 and 10 are scores.
here=$(cd "$(dirname "$0")" && pwd)
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
cd "$TMP"
printf 'version = 1\n[deny]\ncvss = 9.0\n' > policy.toml
for s in -9.8 99 -0.5; do
  printf '{"SchemaVersion":2,"ArtifactName":"x","Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-1","PkgName":"p","InstalledVersion":"1","Severity":"LOW","CVSS":{"nvd":{"V3Score":%s}}}]}]}' "$s" > c.json
  run scan-gate --report c.json --policy policy.toml --unbound-report
  expect_rc 2 "V3Score $s"
  expect_contains "$err" "must be a score from 0 to 10" "V3Score $s names the range"
done
for s in 0 10; do
  printf '{"SchemaVersion":2,"ArtifactName":"x","Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-1","PkgName":"p","InstalledVersion":"1","Severity":"LOW","CVSS":{"nvd":{"V3Score":%s}}}]}]}' "$s" > c.json
  run scan-gate --report c.json --policy policy.toml --unbound-report
  if [ "$s" = 10 ]; then expect_rc 1 "V3Score 10 denies under cvss = 9.0"; else expect_rc 0 "V3Score 0"; fi
done
printf '{"matches":[{"vulnerability":{"id":"CVE-2024-1","severity":"Low","cvss":[{"version":"3.1","metrics":{"baseScore":-9.8}}]},"artifact":{"name":"p","version":"1"}}]}' > g.json
run scan-gate --report g.json --policy policy.toml --unbound-report
expect_rc 2 "grype baseScore -9.8"
expect_contains "$err" "baseScore must be a score from 0 to 10" "grype baseScore -9.8 names the field"
printf '{"matches":[{"vulnerability":{"id":"CVE-2024-1","severity":"Low","epss":[{"epss":1.5}]},"artifact":{"name":"p","version":"1"}}]}' > g.json
run scan-gate --report g.json --policy policy.toml --unbound-report
expect_rc 2 "grype epss 1.5"
expect_contains "$err" "epss must be a probability from 0 to 1" "grype epss 1.5 names the field"
printf '{"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[{"id":"CVE-2024-1","ratings":[{"score":-1,"severity":"low"}]}]}' > cdx.json
run scan-gate --report cdx.json --policy policy.toml --unbound-report
expect_rc 2 "cyclonedx score -1"
expect_contains "$err" "ratings[].score must be a score from 0 to 10" "cyclonedx score -1 names the field"
finish
