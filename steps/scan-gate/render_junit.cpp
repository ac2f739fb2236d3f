#include "render.hpp"

namespace relgate::scan
{

namespace
{

// Whether a finding's reason comes from this check (the checks are named in evaluation.cpp).
bool reason_of_check(const std::string &check, const std::string &why)
{
  return (check.rfind("max ", 0) == 0 && why.find(check.substr(4) + " over its limit") == 0) ||
         (check == "kev" && why.find("KEV") != std::string::npos) || (check == "epss" && why.rfind("EPSS", 0) == 0) ||
         (check == "cvss" && why.rfind("CVSS", 0) == 0) ||
         (check == "deny ids" && why.find("[deny] ids") != std::string::npos) ||
         (check == "unknown severity" && why.find("unknown_severity") != std::string::npos);
}

} // namespace

std::vector<std::string> junit_failure_details(const ScanRun &run)
{
  const Evaluation &e = run.evaluation;
  std::vector<std::string> details(e.checks.size());
  for (std::size_t i = 0; i < e.checks.size(); ++i) {
    const CheckResult &check = e.checks[i];
    if (check.passed)
      continue;
    // The findings behind this check: those whose reasons name it.
    for (const auto &j : e.denying) {
      for (const auto &why : j.why) {
        if (reason_of_check(check.name, why)) {
          details[i] += describe_finding(*j.finding) + " [" + std::string(severity_name(j.finding->severity)) +
                        "]: " + why + "\n";
          break;
        }
      }
    }
  }
  return details;
}

} // namespace relgate::scan
