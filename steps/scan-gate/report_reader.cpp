#include "report_reader.hpp"

#include "json_stream.hpp"
#include "text_case.hpp"

#include <algorithm>
#include <cctype>

namespace relgate::scan
{

std::string deliver_finding(const FindingSink &sink, const Finding &finding)
{
  std::string oversized = finding.oversized_text();
  if (!oversized.empty()) {
    return oversized + ", over the " + std::to_string(max_finding_text_bytes) +
           " scan-gate reads (no scanner writes one this long; it would be copied for every finding "
           "that names it): fix the report";
  }
  sink(finding);
  return {};
}

void add_digest_claim(ReportInfo &info, std::string field, std::string_view text)
{
  if (info.digest_claims.size() < max_digest_claims)
    info.digest_claims.push_back(DigestClaim{std::move(field), std::string(text.substr(0, 1024))});
}

Result<ReportInfo> read_report_input(ReportInput &input, const std::string &source_name,
                                     std::optional<ReportFormat> forced, const FindingSink &sink)
{
  if (std::string problem = input.encoding_problem(); !problem.empty())
    return make_error(source_name + ": " + problem);
  ReportFormat format;
  if (forced) {
    format = *forced;
  } else {
    RELGATE_ASSIGN_OR_RETURN(format, detect_report_format(input, source_name));
  }
  Result<ReportInfo> info = make_error("unreachable");
  switch (format) {
  case ReportFormat::trivy:
    info = read_trivy_report(input, source_name, sink);
    break;
  case ReportFormat::grype:
    info = read_grype_report(input, source_name, sink);
    break;
  case ReportFormat::sarif:
    info = read_sarif_report(input, source_name, sink);
    break;
  case ReportFormat::cyclonedx:
    info = read_cyclonedx_report(input, source_name, sink);
    break;
  }
  if (info) {
    info->path = source_name;
    info->format = format;
    info->bytes = input.size();
    for (const auto &claim : info->digest_claims) {
      if (auto digest = claimed_digest(claim)) {
        info->artifact_digest = digest->str();
        break;
      }
    }
  }
  return info;
}

Result<ReportInfo> read_report_file(const std::string &path, std::optional<ReportFormat> forced,
                                    const FindingSink &sink)
{
  RELGATE_ASSIGN_OR_RETURN(ReportInput input, ReportInput::open_file(path));
  return read_report_input(input, path, forced, sink);
}

Result<ReportInfo> read_report_bytes(std::string_view bytes, const std::string &source_name,
                                     std::optional<ReportFormat> forced, const FindingSink &sink)
{
  ReportInput input = ReportInput::from_bytes(bytes);
  return read_report_input(input, source_name, forced, sink);
}

namespace
{

std::string percent_decode(std::string_view text)
{
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      decoded += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

} // namespace

std::optional<PurlParts> parse_purl(std::string_view purl)
{
  if (purl.rfind("pkg:", 0) != 0)
    return std::nullopt;
  purl.remove_prefix(4);
  while (!purl.empty() && purl.front() == '/')
    purl.remove_prefix(1);
  std::size_t cut = purl.find_first_of("?#");
  if (cut != std::string_view::npos)
    purl = purl.substr(0, cut);
  std::size_t slash = purl.find('/');
  if (slash == std::string_view::npos || slash == 0)
    return std::nullopt;
  PurlParts parts;
  for (char c : purl.substr(0, slash))
    parts.type += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view rest = purl.substr(slash + 1);
  std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    parts.version = percent_decode(rest.substr(at + 1));
    rest = rest.substr(0, at);
  }
  std::size_t last_slash = rest.rfind('/');
  if (last_slash != std::string_view::npos) {
    parts.namespace_ = percent_decode(rest.substr(0, last_slash));
    rest = rest.substr(last_slash + 1);
  }
  parts.name = percent_decode(rest);
  if (parts.name.empty())
    return std::nullopt;
  return parts;
}

} // namespace relgate::scan
