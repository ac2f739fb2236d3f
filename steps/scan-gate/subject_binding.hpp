// Binding a scanner report to the release subject: a report only speaks for the image it names.
// A report that names no image digest, a malformed one or another image's cannot clear this
// subject (a scan of last week's image, or of the wrong tag, would otherwise read as ALLOW).
#pragma once

#include "digest.hpp"
#include "report_format.hpp"
#include "result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace relgate::scan
{

// One place a report names the image it scanned, as found: the field and its text.
struct DigestClaim {
  std::string field; // "Metadata.RepoDigests[0]", "source.target.manifestDigest", ...
  std::string text;  // "ghcr.io/acme/api@sha256:<hex>", "sha256:<hex>", "pkg:oci/api@sha256%3A<hex>"
};

// Readers keep at most this many claims per report (RepoDigests lists a handful).
constexpr std::size_t max_digest_claims = 64;

// Where each format carries the image digest, for error messages and docs.
std::string_view digest_fields_of(ReportFormat format);

// The digest a claim names: "NAME@sha256:<64 hex>", a bare "sha256:<64 hex>", or a pkg:oci purl
// whose version is "sha256%3A<64 hex>". Anything else is an error naming the field.
Result<Digest> claimed_digest(const DigestClaim &claim);

struct BoundReport {
  std::string path;
  ReportFormat format = ReportFormat::trivy;
  std::vector<DigestClaim> claims;
};

// The report must name the subject: every claim well-formed, one of them equal to the subject
// (an image has several digests: the index a tag points at and each platform's manifest).
Result<void> bind_report_to_subject(const BoundReport &report, const Digest &subject);

// For --unbound-report (a scan of a repository or directory): refused only when the report does
// name an image, and not this one; an image scan is never "unbound".
Result<void> check_unbound_report(const BoundReport &report, const Digest &subject);

} // namespace relgate::scan
