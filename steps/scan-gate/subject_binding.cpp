#include "subject_binding.hpp"

namespace relgate::scan
{

std::string_view digest_fields_of(ReportFormat format)
{
  switch (format) {
  case ReportFormat::trivy:
    return "Trivy writes it in Metadata.RepoDigests, or in ArtifactName when the image is scanned as NAME@sha256:...";
  case ReportFormat::grype:
    return "Grype writes it in source.target.repoDigests and source.target.manifestDigest";
  case ReportFormat::sarif:
    return "Trivy's SARIF writes it in runs[].properties.repoDigests (or imageName NAME@sha256:...)";
  case ReportFormat::cyclonedx:
    return "CycloneDX carries it in metadata.component: a pkg:oci purl or bom-ref with the digest as version, "
           "a SHA-256 hash, or Trivy's aquasecurity:trivy:RepoDigest property";
  }
  return "";
}

namespace
{

bool is_lower_hex(std::string_view text)
{
  return text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

Error malformed(const DigestClaim &claim)
{
  return make_error(claim.field + " '" + claim.text.substr(0, 200) +
                    "' does not name an image digest (expected NAME@sha256:<64 lower-case hex>)");
}

} // namespace

Result<Digest> claimed_digest(const DigestClaim &claim)
{
  std::string_view text = claim.text;
  std::string decoded;
  if (text.rfind("pkg:oci/", 0) == 0) {
    // pkg:oci/name@sha256%3A<hex>?repository_url=...: the version is the digest, percent-encoded.
    std::size_t cut = text.find_first_of("?#");
    text = text.substr(0, cut);
    std::size_t at = text.rfind('@');
    if (at == std::string_view::npos)
      return malformed(claim);
    std::string_view version = text.substr(at + 1);
    if (version.size() > 9 && (version.substr(0, 9) == "sha256%3A" || version.substr(0, 9) == "sha256%3a")) {
      decoded = "sha256:" + std::string(version.substr(9));
      text = decoded;
    } else {
      text = version;
    }
  } else if (std::size_t at = text.rfind('@'); at != std::string_view::npos) {
    text = text.substr(at + 1);
  }
  if (text.size() != 7 + 64 || text.substr(0, 7) != "sha256:" || !is_lower_hex(text.substr(7)))
    return malformed(claim);
  auto digest = parse_digest(text);
  if (!digest)
    return malformed(claim);
  return *digest;
}

Result<void> bind_report_to_subject(const BoundReport &report, const Digest &subject)
{
  if (report.claims.empty()) {
    return make_error(report.path + ": the " + std::string(report_format_name(report.format)) +
                      " report names no image digest, so it cannot speak for the subject " + subject.str() + " (" +
                      std::string(digest_fields_of(report.format)) +
                      "). Scan the image by digest; for a scan of something that is not an image (a repository, a "
                      "directory), pass --unbound-report");
  }
  std::string named;
  bool matched = false;
  for (const auto &claim : report.claims) {
    auto digest = claimed_digest(claim);
    if (!digest) {
      return make_error(report.path + ": " + digest.message() + "; the report cannot be bound to the subject " +
                        subject.str());
    }
    if (*digest == subject)
      matched = true;
    else if (named.empty())
      named = digest->str() + " (" + claim.field + ")";
  }
  if (!matched) {
    return make_error(report.path + ": the report is about " + named + ", not the subject " + subject.str() +
                      "; scan the subject image (or check --subject / the evidence file)");
  }
  return {};
}

Result<void> check_unbound_report(const BoundReport &report, const Digest &subject)
{
  std::string other;
  for (const auto &claim : report.claims) {
    auto digest = claimed_digest(claim);
    if (!digest)
      continue; // --unbound-report: whatever this names, it is not taken as an image
    if (*digest == subject)
      return {};
    if (other.empty())
      other = digest->str() + " (" + claim.field + ")";
  }
  if (!other.empty()) {
    return make_error(report.path +
                      ": --unbound-report is for scans of things that are not images, but this report "
                      "is about image " +
                      other + ", not the subject " + subject.str());
  }
  return {};
}

} // namespace relgate::scan
