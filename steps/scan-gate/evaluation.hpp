// Applying the scan policy to merged findings: suppression (VEX, the report's own status,
// [[allow]]), counting against [max], and the deny rules (KEV, EPSS, CVSS, ids, unknown severity).
#pragma once

#include "epss.hpp"
#include "finding.hpp"
#include "kev.hpp"
#include "scan_policy.hpp"
#include "time_util.hpp"
#include "vex.hpp"

#include <array>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace relgate::scan
{

struct SeverityCount {
  std::size_t found = 0;      // unique findings
  std::size_t suppressed = 0; // by VEX, the report itself, or [[allow]]
  std::size_t counted = 0;    // what [max] compares (after only_fixable)
  std::optional<int64_t> limit;
  bool over() const { return limit && static_cast<int64_t>(counted) > *limit; }
};

struct JudgedFinding {
  const Finding *finding = nullptr;
  std::vector<std::string> why; // why it denies
  std::string suppressed_by;    // why it does not count ("" = not suppressed)
  bool counted = false;
  bool in_kev = false;
  std::optional<double> epss;
};

struct GateCheck {
  std::string name;
  bool passed = true;
  std::string message;
};

struct Evaluation {
  std::array<SeverityCount, severity_count> counts{};
  std::vector<JudgedFinding> denying; // worst severity first
  std::vector<JudgedFinding> suppressed;
  std::vector<std::string> reasons; // empty = ALLOW
  std::vector<GateCheck> checks;    // one per rule, for JUnit and the summary table
  std::size_t unique = 0;
  std::size_t suppressed_total = 0;
  std::size_t counted_total = 0;
  std::size_t kev_matches = 0;

  bool allowed() const { return reasons.empty(); }
};

struct EvaluationInputs {
  const VexSet *vex = nullptr;
  const KevCatalog *kev = nullptr;
  std::string kev_label; // "CISA KEV 2025.08.25"
  const EpssScores *epss = nullptr;
  TimePoint now{};
};

Evaluation evaluate(const std::deque<Finding> &findings, const ScanPolicy &policy, const EvaluationInputs &inputs);

// "CVE-2019-14697 in musl 1.1.20-r4 -> 1.1.20-r5" (the short form used in reasons and tables).
std::string describe_finding(const Finding &finding);

} // namespace relgate::scan
