#include "render.hpp"

#include "ci_outputs.hpp"

namespace relgate::scan
{

std::string render_junit(const ScanRun &run)
{
  const Evaluation &e = run.evaluation;
  std::vector<GateCheck> checks = e.checks;
  if (checks.empty())
    checks.push_back(GateCheck{"policy", true, "the policy sets no limit"});
  std::size_t failures = 0;
  for (const auto &check : checks)
    failures += check.passed ? 0 : 1;

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites name=\"relgate\" tests=\"" + std::to_string(checks.size()) + "\" failures=\"" +
         std::to_string(failures) + "\">\n";
  out += "  <testsuite name=\"scan-gate\" tests=\"" + std::to_string(checks.size()) + "\" failures=\"" +
         std::to_string(failures) + "\" errors=\"0\">\n";
  for (const auto &check : checks) {
    out += "    <testcase classname=\"scan-gate\" name=\"" + xml_escape(check.name) + "\"";
    if (check.passed) {
      out += "/>\n";
      continue;
    }
    out += ">\n      <failure message=\"" + xml_escape(check.message) + "\">";
    // The findings behind this check: those whose reasons name it.
    std::string detail;
    for (const auto &j : e.denying) {
      for (const auto &why : j.why) {
        bool related = (check.name.rfind("max ", 0) == 0 && why.find(check.name.substr(4) + " over its limit") == 0) ||
                       (check.name == "kev" && why.find("KEV") != std::string::npos) ||
                       (check.name == "epss" && why.rfind("EPSS", 0) == 0) ||
                       (check.name == "cvss" && why.rfind("CVSS", 0) == 0) ||
                       (check.name == "deny ids" && why.find("[deny] ids") != std::string::npos) ||
                       (check.name == "unknown severity" && why.find("unknown_severity") != std::string::npos);
        if (related) {
          detail += describe_finding(*j.finding) + " [" + std::string(severity_name(j.finding->severity)) +
                    "]: " + why + "\n";
          break;
        }
      }
    }
    out += xml_escape(detail.empty() ? check.message : detail);
    out += "</failure>\n    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

} // namespace relgate::scan
