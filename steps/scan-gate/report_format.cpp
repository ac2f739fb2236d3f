#include "report_format.hpp"

#include "json_stream.hpp"
#include "text_join.hpp"

#include <vector>

namespace relgate::scan
{

namespace
{

constexpr std::string_view expected_report =
    "a JSON object: a Trivy (SchemaVersion, Results), Grype (matches), SARIF (runs) or "
    "CycloneDX (bomFormat, vulnerabilities) report";

// Looks only at keys of the root object; everything nested is skipped. The walk stops (the
// handler returns false) as soon as a key decides, so a 200 MB report costs a few bytes here.
class FormatSniffer : public SaxWalker<FormatSniffer>
{
public:
  enum Context { root = first_reader_context };
  enum Key { key_schema = 0, key_other };

  std::optional<ReportFormat> format;
  std::vector<std::string> keys_seen;
  std::string refused; // a known document that is not a report

  bool done() const { return format.has_value() || !refused.empty(); }

  int child(int parent, int, bool is_object)
  {
    if (parent != context_document)
      return context_skip;
    if (!is_object)
      return fail_context("found a JSON array at the top; expected " + std::string(expected_report));
    return root;
  }
  int key_id(int, std::string_view key)
  {
    if (keys_seen.size() < 8)
      keys_seen.emplace_back(key);
    if (key == "SchemaVersion" || key == "Results" || key == "ArtifactName" || key == "ArtifactType") {
      format = ReportFormat::trivy;
    } else if (key == "matches" || key == "ignoredMatches") {
      format = ReportFormat::grype;
    } else if (key == "runs") {
      format = ReportFormat::sarif;
    } else if (key == "bomFormat" || key == "specVersion") {
      format = ReportFormat::cyclonedx;
    } else if (key == "@context" || key == "statements") {
      refused = "this is an OpenVEX document: pass it with --vex, not --report";
    } else if (key == "catalogVersion") {
      refused = "this is the CISA KEV catalogue: pass it with --kev, not --report";
    }
    return key == "$schema" ? key_schema : key_other;
  }
  bool value(int context, int key, const JsonScalar &v)
  {
    if (context == root && key == key_schema && v.is_string()) {
      if (v.text.find("sarif") != std::string_view::npos)
        format = ReportFormat::sarif;
      if (v.text.find("cyclonedx") != std::string_view::npos)
        format = ReportFormat::cyclonedx;
    }
    return !done();
  }
  bool close(int) { return true; }
  bool Key(const char *s, rapidjson::SizeType n, bool copy)
  {
    return SaxWalker<FormatSniffer>::Key(s, n, copy) && !done();
  }
};

} // namespace

std::string_view report_format_name(ReportFormat format)
{
  switch (format) {
  case ReportFormat::trivy:
    return "trivy";
  case ReportFormat::grype:
    return "grype";
  case ReportFormat::sarif:
    return "sarif";
  case ReportFormat::cyclonedx:
    return "cyclonedx";
  }
  return "unknown";
}

Result<std::optional<ReportFormat>> parse_report_format(std::string_view name)
{
  if (name == "auto" || name.empty())
    return std::optional<ReportFormat>{};
  for (ReportFormat format : {ReportFormat::trivy, ReportFormat::grype, ReportFormat::sarif, ReportFormat::cyclonedx}) {
    if (name == report_format_name(format))
      return std::optional<ReportFormat>{format};
  }
  return make_error("--input-format: unknown format '" + std::string(name) +
                    "'; expected one of: auto, trivy, grype, sarif, cyclonedx");
}

Result<ReportFormat> detect_report_format(ReportInput &input, const std::string &source_name)
{
  FormatSniffer sniffer;
  if (std::string problem = input.encoding_problem(); !problem.empty())
    return make_error(source_name + ": " + problem);
  // Pages are handed back as the sniffer moves on (what precedes the format keys can be large);
  // the reader's pass starts from the top again.
  const JsonParseStatus parsed = parse_report_text(report_text(input), sniffer, &input);
  input.restart_release();
  if (sniffer.format)
    return *sniffer.format;
  if (!sniffer.refused.empty())
    return make_error(source_name + ": " + sniffer.refused);
  if (!parsed.ok()) {
    return parse_failure(source_name, expected_report, parsed.code, parsed.offset, input.size() - input.json_offset(),
                         sniffer.error(), sniffer.error_offset());
  }
  const std::string keys = join(sniffer.keys_seen, ", ");
  return make_error(source_name + ": unknown report format (top-level keys: " + (keys.empty() ? "none" : keys) +
                    "); expected " + std::string(expected_report) + ", or force one with --input-format");
}

} // namespace relgate::scan
