// Shared helpers for the scan-gate unit tests: read a report given as text.
#pragma once

#include "finding_set.hpp"
#include "report_reader.hpp"

#include <string>
#include <vector>

namespace scan_test
{

struct ReadResult {
  relgate::Result<relgate::scan::ReportInfo> info = relgate::make_error("not read");
  std::vector<relgate::scan::Finding> findings;
};

inline ReadResult read_text(const std::string &json, std::optional<relgate::scan::ReportFormat> forced = std::nullopt)
{
  ReadResult result;
  result.info = relgate::scan::read_report_bytes(
      json, "report.json", forced, [&](const relgate::scan::Finding &f) { result.findings.push_back(f); });
  return result;
}

inline std::string trivy_vuln(const std::string &id, const std::string &package, const std::string &version,
                              const std::string &severity, const std::string &extra = "")
{
  return "{\"VulnerabilityID\":\"" + id + "\",\"PkgName\":\"" + package + "\",\"InstalledVersion\":\"" + version +
         "\",\"Severity\":\"" + severity + "\"" + (extra.empty() ? "" : "," + extra) + "}";
}

inline std::string trivy_report(const std::string &results)
{
  return "{\"SchemaVersion\":2,\"ArtifactName\":\"img\",\"Results\":[" + results + "]}";
}

} // namespace scan_test
