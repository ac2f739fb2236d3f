// Shared helpers for the scan-gate unit tests: read a report given as text, make a finding.
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

// A finding with the fields most tests set; a fixed one gets "<version>-fix" as its fixed version.
inline relgate::scan::Finding finding(const std::string &id, const std::string &package, const std::string &version,
                                      relgate::scan::Severity severity,
                                      relgate::scan::FixState fix = relgate::scan::FixState::fixed)
{
  relgate::scan::Finding f;
  f.id = id;
  f.package = package;
  f.version = version;
  f.severity = severity;
  f.fix = fix;
  if (fix == relgate::scan::FixState::fixed)
    f.fixed_version = version + "-fix";
  return f;
}

inline std::string trivy_report(const std::string &results)
{
  return "{\"SchemaVersion\":2,\"ArtifactName\":\"img\",\"Results\":[" + results + "]}";
}

} // namespace scan_test
