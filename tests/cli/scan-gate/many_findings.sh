#!/usr/bin/env bash
# More denying and suppressed findings than the text output and the evidence record print: the
# step keeps full detail only for the printed ones (issue 13), so every count must still be exact,
# the printed ones must be the first in worst-first order, and json/sarif/junit list them all.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
printf 'version = 1\n[max]\nhigh = 0\ncritical = 0\n' > policy.toml

# 300 high findings (ids in reverse order, so sorting matters), 5 critical, 250 not_affected
# (suppressed by the report itself), and every high one repeated in a second target.
python3 - <<'PY'
import json
def v(i, sev, status="fixed"):
    return {"VulnerabilityID": "CVE-2024-%05d" % i, "PkgName": "pkg%d" % (i % 7), "InstalledVersion": "1.%d" % (i % 3),
            "Severity": sev, "Status": status, "FixedVersion": "2.0",
            "PkgIdentifier": {"PURL": "pkg:apk/alpine/pkg%d@1.%d?arch=x86_64" % (i % 7, i % 3)}}
high = [v(i, "HIGH") for i in range(300, 0, -1)]
crit = [v(1000 + i, "CRITICAL") for i in range(5)]
quiet = [v(2000 + i, "LOW", "not_affected") for i in range(250)]
report = {"SchemaVersion": 2, "ArtifactName": "many",
          "Results": [{"Target": "a", "Vulnerabilities": high + crit + quiet}, {"Target": "b", "Vulnerabilities": high}]}
json.dump(report, open("many.json", "w"))
PY

run scan-gate --report many.json --policy policy.toml --unbound-report
expect_rc 1 "over the limits"
expect_contains "$out" "Denying findings (305):" "exact total in text"
expect_contains "$out" "+285 more (see --format json)" "text prints 20"
expect_contains "$out" "555 unique finding(s) from 855 record(s)" "merged across targets"
first=$(grep -A1 'Denying findings' <<<"$out" | tail -n 1)
expect_contains "$first" "CVE-2024-01000" "worst severity first"

run scan-gate --report many.json --policy policy.toml --unbound-report --format json
expect_rc 1 "json keeps the exit code"
expect_eq "$(jq -r '.summary.findings.denying' <<<"$out")" 305 "denying total"
expect_eq "$(jq -r '.summary.denying | length' <<<"$out")" 305 "json lists every denying finding"
expect_eq "$(jq -r '.summary.suppressed | length' <<<"$out")" 250 "and every suppressed one"
expect_eq "$(jq -r '[.summary.denying[].id] | .[5:8] | join(" ")' <<<"$out")" \
  "CVE-2024-00001 CVE-2024-00002 CVE-2024-00003" "sorted by id after severity"
expect_eq "$(jq -r '.summary.denying[5].purl' <<<"$out")" "pkg:apk/alpine/pkg1@1.1?arch=x86_64" "purl rebuilt"
expect_eq "$(jq -r '.summary.denying[5].occurrences' <<<"$out")" 2 "repeat merged"
expect_eq "$(jq -r '.summary.lists_capped_at // "none"' <<<"$out")" none "json is not capped"
json_ids=$(jq -r '.summary.denying[:200][] | .id + " " + .package + " " + .version' <<<"$out")

run scan-gate --report many.json --policy policy.toml --unbound-report --format sarif
expect_eq "$(jq -r '.runs[0].results | length' <<<"$out")" 305 "sarif lists every denying finding"
run scan-gate --report many.json --policy policy.toml --unbound-report --format junit
expect_eq "$(grep -c ' over its limit' <<<"$out")" 305 "junit lists every denying finding"

# The evidence record keeps the first 200 of each list, the same ones json prints first.
run scan-gate --report many.json --policy policy.toml --unbound-report --subject "ghcr.io/acme/many@sha256:$(printf 'a%.0s' {1..64})" --evidence ev.json
expect_rc 1 "recorded"
record=$(jq '.records[-1].summary' ev.json)
expect_eq "$(jq -r '.lists_capped_at' <<<"$record")" 200 "record capped"
expect_eq "$(jq -r '.denying | length' <<<"$record")" 200 "200 denying in the record"
expect_eq "$(jq -r '.suppressed | length' <<<"$record")" 200 "200 suppressed in the record"
expect_eq "$(jq -r '.findings.denying' <<<"$record")" 305 "exact total in the record"
expect_eq "$(jq -r '.denying[] | .id + " " + .package + " " + .version' <<<"$record")" "$json_ids" \
  "the record's 200 are json's first 200"
finish
