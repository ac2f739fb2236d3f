// Reading one scanner report into normalised findings, streaming: a reader hands each finding to
// the sink as soon as its record closes and keeps nothing else, so memory does not grow with the file.
#pragma once

#include "finding.hpp"
#include "report_format.hpp"
#include "result.hpp"
#include "subject_binding.hpp"

#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace relgate::scan
{

struct ReportInfo {
  std::string path;
  ReportFormat format = ReportFormat::trivy;
  std::string sha256; // of the file's bytes, computed while parsing
  std::size_t bytes = 0;
  std::size_t records = 0;                    // findings read, before merging
  std::string scanner;                        // "trivy 0.50.1", "grype 0.64.2", SARIF driver names
  std::string artifact_name;                  // Trivy ArtifactName, Grype source.target.userInput
  std::vector<DigestClaim> digest_claims;     // every place the report names the image it scanned
  std::optional<std::string> artifact_digest; // "sha256:..." of the first well-formed claim
  std::size_t unrecognised_severities = 0;    // severities no scanner uses: counted as unknown
  std::string first_unrecognised_severity;
};

// Where a reader delivers its findings, one call per record. A reader may also pass a record on
// to prefetch() as soon as its id, package and version are read: a hint (the finding set starts
// loading its index slots while the rest of the record is parsed) that changes no result.
class FindingSink
{
public:
  using Deliver = std::function<void(const Finding &)>;
  // Not explicit: a lambda converts to a sink as it did to the std::function this was.
  template <typename Add, typename = std::enable_if_t<std::is_invocable_v<Add &, const Finding &>>>
  FindingSink(Add add, Deliver prefetch = {}) : m_add(std::move(add)), m_prefetch(std::move(prefetch))
  {
  }
  void operator()(const Finding &finding) const { m_add(finding); }
  void prefetch(const Finding &finding) const
  {
    if (m_prefetch)
      m_prefetch(finding);
  }

private:
  Deliver m_add;
  Deliver m_prefetch;
};

// Gives the finding to the sink, or returns why it is refused (a text over
// max_finding_text_bytes: "package name of 1048576 bytes; ..."), for the reader to fail with.
std::string deliver_finding(const FindingSink &sink, const Finding &finding);

class ReportInput;

// Each reader parses the whole input once; `source_name` names it in errors.
Result<ReportInfo> read_trivy_report(ReportInput &input, const std::string &source_name, const FindingSink &sink);
Result<ReportInfo> read_grype_report(ReportInput &input, const std::string &source_name, const FindingSink &sink);
Result<ReportInfo> read_sarif_report(ReportInput &input, const std::string &source_name, const FindingSink &sink);
Result<ReportInfo> read_cyclonedx_report(ReportInput &input, const std::string &source_name, const FindingSink &sink);

// Detects the format (unless forced) from the first keys, then runs the matching reader.
Result<ReportInfo> read_report_input(ReportInput &input, const std::string &source_name,
                                     std::optional<ReportFormat> forced, const FindingSink &sink);
Result<ReportInfo> read_report_file(const std::string &path, std::optional<ReportFormat> forced,
                                    const FindingSink &sink);
Result<ReportInfo> read_report_bytes(std::string_view bytes, const std::string &source_name,
                                     std::optional<ReportFormat> forced, const FindingSink &sink);

// "pkg:npm/%40scope/name@1.0?x=y#p" -> name "name" / version "1.0" (purl spec, percent-decoded).
struct PurlParts {
  std::string type;
  std::string namespace_;
  std::string name;
  std::string version;
};
std::optional<PurlParts> parse_purl(std::string_view purl);

// Keeps a claim (up to max_digest_claims: a report cannot grow memory through them).
void add_digest_claim(ReportInfo &info, std::string field, std::string_view text);

// CVSS base scores are 0..10 and EPSS probabilities 0..1. Outside that range a report is broken,
// and a negative score must not read as "no score" (fail closed).
inline bool in_range(double value, double max)
{
  return value >= 0 && value <= max;
}

} // namespace relgate::scan
