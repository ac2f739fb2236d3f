#!/usr/bin/env bash
# A report speaks only for the image it names: with --subject or an existing evidence file, a
# report with no image digest, a malformed one or another image's is refused (exit 2, the field
# to look at named), in every format. --unbound-report (scans of non-images) is recorded and loud.
source "$(dirname "$0")/../lib.sh"
cd "$TMP"
subject=sha256:$(printf 'bound image' | sha256sum | cut -d' ' -f1)
other=sha256:$(printf 'other image' | sha256sum | cut -d' ' -f1)
printf 'version = 1\n[max]\ncritical = 0\n' > policy.toml

# report FORMAT DIGEST_OR_EMPTY: a clean report of that format naming the digest where the format does.
report() {
  local d=$2
  case $1 in
  trivy)
    if [ -n "$d" ]; then printf '{"SchemaVersion":2,"ArtifactName":"ghcr.io/acme/app:1","Metadata":{"RepoDigests":["ghcr.io/acme/app@%s"]},"Results":[]}' "$d"
    else printf '{"SchemaVersion":2,"ArtifactName":"ghcr.io/acme/app:1","Results":[]}'; fi ;;
  grype)
    if [ -n "$d" ]; then printf '{"matches":[],"source":{"type":"image","target":{"userInput":"ghcr.io/acme/app:1","manifestDigest":"%s"}}}' "$d"
    else printf '{"matches":[],"source":{"type":"image","target":{"userInput":"ghcr.io/acme/app:1"}}}'; fi ;;
  sarif)
    if [ -n "$d" ]; then printf '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Trivy"}},"results":[],"properties":{"imageName":"ghcr.io/acme/app:1","repoDigests":["ghcr.io/acme/app@%s"]}}]}' "$d"
    else printf '{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Trivy"}},"results":[]}]}'; fi ;;
  cyclonedx)
    if [ -n "$d" ]; then printf '{"bomFormat":"CycloneDX","specVersion":"1.5","metadata":{"component":{"type":"container","name":"ghcr.io/acme/app:1","purl":"pkg:oci/app@%s?repository_url=ghcr.io%%2Facme%%2Fapp"}},"vulnerabilities":[]}' "${d/:/%3A}"
    else printf '{"bomFormat":"CycloneDX","specVersion":"1.5","metadata":{"component":{"type":"container","name":"app"}},"vulnerabilities":[]}'; fi ;;
  esac
}
declare -A where=([trivy]="Metadata.RepoDigests" [grype]="source.target.repoDigests" [sarif]="runs[].properties.repoDigests"
                  [cyclonedx]="metadata.component")

for format in trivy grype sarif cyclonedx; do
  report $format "$subject" > "$format-bound.json"
  report $format "$other" > "$format-other.json"
  report $format "" > "$format-none.json"

  run scan-gate --report "$format-bound.json" --policy policy.toml --evidence "$format-ev.json" --subject "ghcr.io/acme/app@$subject"
  expect_rc 0 "$format: a report naming the subject"
  expect_eq "$(jq -r '.records[0].summary.bound_to_subject' "$format-ev.json")" true "$format: recorded as bound"

  run scan-gate --report "$format-none.json" --policy policy.toml --subject "ghcr.io/acme/app@$subject"
  expect_rc 2 "$format: a report naming no digest"
  expect_contains "$err" "$format-none.json: the $format report names no image digest" "$format: says what is missing"
  expect_contains "$err" "${where[$format]}" "$format: says where the digest belongs"
  expect_contains "$err" "--unbound-report" "$format: names the opt-out"

  # The evidence file alone names the subject: no --subject needed for the binding to apply.
  run scan-gate --report "$format-none.json" --policy policy.toml --evidence "$format-ev.json"
  expect_rc 2 "$format: unbound report against an existing evidence file"
  expect_eq "$(jq -r '.records[-1].decision' "$format-ev.json")" "ERROR" "$format: recorded as ERROR"

  run scan-gate --report "$format-other.json" --policy policy.toml --subject "ghcr.io/acme/app@$subject"
  expect_rc 2 "$format: a report about another image"
  expect_contains "$err" "is about $other" "$format: names the other digest"
  expect_contains "$err" "not the subject $subject" "$format: names the subject"
done

# A malformed digest is not a digest.
printf '{"SchemaVersion":2,"Metadata":{"RepoDigests":["ghcr.io/acme/app@sha256:abc"]},"Results":[]}' > short.json
run scan-gate --report short.json --policy policy.toml --subject "ghcr.io/acme/app@$subject"
expect_rc 2 "a short digest"
expect_contains "$err" "Metadata.RepoDigests[0] 'ghcr.io/acme/app@sha256:abc' does not name an image digest" "names the field"
printf '{"SchemaVersion":2,"Metadata":{"RepoDigests":[7]},"Results":[]}' > number.json
run scan-gate --report number.json --policy policy.toml --subject "ghcr.io/acme/app@$subject"
expect_rc 2 "a number as a digest"

# Every report of a run must be bound, not just one of them.
run scan-gate --report trivy-bound.json --report grype-none.json --policy policy.toml --subject "ghcr.io/acme/app@$subject"
expect_rc 2 "one unbound report among bound ones"
expect_contains "$err" "grype-none.json" "names the unbound report"

# The explicit opt-out: recorded in the evidence and printed loudly.
run scan-gate --report trivy-none.json --policy policy.toml --evidence unbound.json --subject "ghcr.io/acme/app@$subject" \
  --unbound-report
expect_rc 0 "--unbound-report accepts a report without a digest"
expect_contains "$err" "WARNING: --unbound-report" "warned on stderr"
expect_contains "$out" "WARNING: --unbound-report" "warned in the text output"
expect_eq "$(jq -r '.records[0].summary | "\(.unbound_report) \(.bound_to_subject) \(.subject_digest)"' unbound.json)" \
  "true false $subject" "recorded in the evidence summary"
run scan-gate --report trivy-other.json --policy policy.toml --subject "ghcr.io/acme/app@$subject" --unbound-report
expect_rc 2 "--unbound-report does not accept a scan of another image"
expect_contains "$err" "is about image $other" "names the other image"

# Without a subject there is nothing to bind to: the run decides as before.
run scan-gate --report trivy-none.json --policy policy.toml
expect_rc 0 "no subject, no evidence: no binding"
finish
