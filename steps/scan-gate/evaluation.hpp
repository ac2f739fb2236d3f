// Applying the scan policy to merged findings: suppression (VEX, the report's own status,
// [[allow]]), counting against [max], and the deny rules (KEV, EPSS, CVSS, ids, unknown severity).
#pragma once

#include "epss.hpp"
#include "finding.hpp"
#include "finding_set.hpp"
#include "kev.hpp"
#include "scan_policy.hpp"
#include "step_main.hpp"
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
  const Finding *finding = nullptr; // into Evaluation::details
  std::vector<std::string> why;     // why it denies
  std::string suppressed_by;        // why it does not count ("" = not suppressed)
  bool counted = false;
  bool in_kev = false;
  std::optional<double> epss;
};

// The denying and suppressed lists hold full findings only for the first `detail_cap` of each
// (the text output and the evidence record print at most evidence_list_cap); the totals are
// always exact. Moved, never copied: the lists point into `details`.
struct Evaluation {
  std::array<SeverityCount, severity_count> counts{};
  std::vector<JudgedFinding> denying;    // worst severity first; the first detail_cap of denying_total
  std::vector<JudgedFinding> suppressed; // report order; the first detail_cap of suppressed_total
  std::deque<Finding> details;           // the findings both lists point to (a deque: stable addresses)
  std::vector<std::string> reasons;      // empty = ALLOW
  std::vector<CheckResult> checks;       // one per rule, for JUnit and the summary table
  std::size_t unique = 0;
  std::size_t denying_total = 0;
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

constexpr std::size_t all_details = static_cast<std::size_t>(-1);

Evaluation evaluate(const FindingSet &findings, const ScanPolicy &policy, const EvaluationInputs &inputs,
                    std::size_t detail_cap = all_details);

// "CVE-2019-14697 in musl 1.1.20-r4 -> 1.1.20-r5" (the short form used in reasons and tables).
std::string describe_finding(const Finding &finding);

} // namespace relgate::scan
