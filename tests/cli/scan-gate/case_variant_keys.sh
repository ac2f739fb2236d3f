#!/usr/bin/env bash
# Case-variant keys (red team): Go's encoding/json (Trivy, Grype) matches keys ignoring case, the
# last one winning, and folds U+017F to s: these reports are CRITICAL for Trivy and were ALLOW for
# scan-gate. Now exit 2, naming the key; the exact spelling still counts, and unknown keys that
# match nothing stay ignored.
here=$(cd "$(dirname "$0")" && pwd)
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
cd "$TMP"
printf 'version = 1\n[max]\ncritical = 0\n' > policy.toml
for m in '"Severity":"LOW","severity":"CRITICAL"' '"severity":"CRITICAL"' '"SEVERITY":"CRITICAL"' '"ſeverity":"CRITICAL"'; do
  printf '{"SchemaVersion":2,"ArtifactName":"x","Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-1","PkgName":"p","InstalledVersion":"1",%s}]}]}' "$m" > ci.json
  run scan-gate --report ci.json --policy policy.toml --unbound-report
  expect_rc 2 "$m"
  expect_contains "$err" "only in letter case" "$m: names the reason"
done
# Grype and CycloneDX readers too; the schema's own spelling is read as before.
printf '{"matches":[{"vulnerability":{"id":"CVE-2024-1","Severity":"Critical"},"artifact":{"name":"p","version":"1"}}]}' > grype.json
run scan-gate --report grype.json --policy policy.toml --unbound-report
expect_rc 2 "grype Severity"
expect_contains "$err" "letter case" "grype Severity names the field"
printf '{"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[{"ID":"CVE-2024-1"}]}' > cdx.json
run scan-gate --report cdx.json --policy policy.toml --unbound-report
expect_rc 2 "cyclonedx ID"
expect_contains "$err" "letter case" "cyclonedx ID names the field"
printf '{"SchemaVersion":2,"ArtifactName":"x","Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-1","PkgName":"p","InstalledVersion":"1","Severity":"CRITICAL","Sevrity":"LOW"}]}]}' > exact.json
run scan-gate --report exact.json --policy policy.toml --unbound-report
expect_rc 1 "exact spelling counts: CRITICAL denies"
finish
