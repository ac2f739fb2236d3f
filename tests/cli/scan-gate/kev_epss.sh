#!/usr/bin/env bash
# scan-gate --kev and --epss with generated feeds: lookups through aliases, the deny rules, the
# catalogue and model versions in the summary and the evidence, and bad feeds failing closed.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
digest=sha256:$(printf 'kev image' | sha256sum | cut -d' ' -f1)
cat > grype.json <<'JSON'
{"matches":[
 {"vulnerability":{"id":"GHSA-jfh8-c2jp-5v3q","severity":"Critical","fix":{"versions":["2.15.0"],"state":"fixed"}},
  "relatedVulnerabilities":[{"id":"CVE-2021-44228","severity":"Critical"}],
  "artifact":{"name":"log4j-core","version":"2.14.1","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}},
 {"vulnerability":{"id":"CVE-2023-0001","severity":"Low","fix":{"versions":[],"state":"not-fixed"}},
  "artifact":{"name":"zlib","version":"1.2.13"}},
 {"vulnerability":{"id":"CVE-2023-0002","severity":"Medium","fix":{"versions":[],"state":"wont-fix"}},
  "artifact":{"name":"curl","version":"8.0.0"}}],
 "source":{"type":"image","target":{"userInput":"app","repoDigests":[]}}}
JSON
# Grype names the scanned image in source.target; the evidence subject is bound to it.
jq --arg d "acme/app@$digest" '.source = {"type": "image", "target": {"userInput": "acme/app:1", "repoDigests": [$d]}}' \
  grype.json > grype.tmp && mv grype.tmp grype.json
cat > kev.json <<'JSON'
{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2026.02.10",
 "dateReleased":"2026-02-10T17:00:00.000Z","count":1,"vulnerabilities":[
 {"cveID":"CVE-2021-44228","vendorProject":"Apache","product":"Log4j2","vulnerabilityName":"Log4Shell",
  "dateAdded":"2021-12-10","shortDescription":"x","requiredAction":"patch","dueDate":"2021-12-24",
  "knownRansomwareCampaignUse":"Known","notes":""}]}
JSON
{
  echo '#model_version:v2025.03.14,score_date:2026-02-10T00:00:00Z'
  echo 'cve,epss,percentile'
  echo 'CVE-2021-44228,0.97565,0.99998'
  echo 'CVE-2023-0001,0.61000,0.97000'
  echo 'CVE-2023-0002,0.00100,0.10000'
} > epss.csv

printf 'version = 1\n[max]\ncritical = 5\n' > max-only.toml
run scan-gate --report grype.json --kev kev.json --epss epss.csv --policy max-only.toml --format json
expect_rc 0 "[max] alone denies on nothing else, KEV or not"
expect_eq "$(jq -r '.summary.kev | "\(.catalog_version) \(.date_released) \(.matches)"' <<<"$out")" \
  "2026.02.10 2026-02-10T17:00:00.000Z 1" "KEV catalogue recorded, matched through the related CVE"
expect_eq "$(jq -r '.summary.epss | "\(.model_version) \(.score_date) \(.rows)"' <<<"$out")" \
  "v2025.03.14 2026-02-10T00:00:00Z 3" "EPSS model and date recorded"

cat > strict.toml <<'TOML'
version = 1
[deny]
kev = true
epss = 0.5
TOML
run scan-gate --report grype.json --kev kev.json --epss epss.csv --policy strict.toml --format json \
  --evidence ev.json --subject "acme/app@$digest"
expect_rc 1 "KEV and EPSS deny"
expect_eq "$(jq -r '.reasons | length' <<<"$out")" 2 "one reason per rule"
expect_contains "$(jq -r '.reasons[0]' <<<"$out")" "1 finding is in CISA KEV 2026.02.10 (known exploited): GHSA-jfh8-c2jp-5v3q in log4j-core" "KEV reason"
expect_contains "$(jq -r '.reasons[1]' <<<"$out")" "2 findings with EPSS above 0.5000" "EPSS reason"
expect_eq "$(jq -r '.summary.denying | map(.id) | sort | join(",")' <<<"$out")" "CVE-2023-0001,GHSA-jfh8-c2jp-5v3q" "denying ids"
expect_eq "$(jq -r '.records[0].summary.kev.catalog_version' ev.json)" "2026.02.10" "KEV version in the evidence"
expect_eq "$(jq -r '.records[0].summary.epss.model_version' ev.json)" "v2025.03.14" "EPSS model in the evidence"
expect_eq "$(jq -r '.records[0].inputs | map(.path) | join(",")' ev.json)" "grype.json,kev.json,epss.csv" "every input recorded"
expect_eq "$(jq -r '.records[0].inputs[2].sha256' ev.json)" "$(sha256sum epss.csv | cut -d' ' -f1)" "EPSS sha256"

# Bad feeds fail closed.
echo '{"title":"x","vulnerabilities":[]}' > no-version.json
run scan-gate --report grype.json --kev no-version.json --policy strict.toml
expect_rc 2 "KEV without catalogVersion"
expect_contains "$err" "no-version.json: catalogVersion is missing" "KEV message"
printf 'cve,epss,percentile\nCVE-2021-44228,0.9,0.9\n' > no-model.csv
run scan-gate --report grype.json --epss no-model.csv --policy strict.toml
expect_rc 2 "EPSS without the model line"
expect_contains "$err" "model_version" "EPSS message"
gzip -c epss.csv > epss.csv.gz
run scan-gate --report grype.json --epss epss.csv.gz --policy strict.toml
expect_rc 2 "gzip EPSS"
expect_contains "$err" "decompress it first" "gzip hint"
finish
