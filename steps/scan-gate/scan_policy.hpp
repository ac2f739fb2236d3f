// The scan policy (policies/scan.toml). `version = 1` and `[max]` are fixed so pipelines can
// rely on them; a policy that sets only [max] denies on nothing else. docs/scan-gate.md has all keys.
#pragma once

#include "finding.hpp"
#include "policy.hpp"
#include "result.hpp"
#include "time_util.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace relgate::scan
{

struct AllowEntry {
  std::string id;
  std::optional<std::string> package; // a name, or a purl (matched like a VEX product)
  std::string reason;
  std::optional<std::string> expires_text;
  std::optional<TimePoint> expires; // set when expires_text parsed
  std::string location;             // "policy.toml:12:1", for messages
  std::size_t number = 0;           // 1-based position among [[allow]]
};

struct ScanPolicy {
  std::string path;
  std::string sha256;
  int64_t version = 1;
  std::array<std::optional<int64_t>, severity_count> max{}; // by Severity; nullopt = no limit
  bool only_fixable = false;                                // [count] only findings with a fix count against [max]
  std::optional<double> cvss_at_least;                      // [deny] cvss = 9.0
  bool deny_kev = false;                                    // [deny] kev = true
  std::optional<double> epss_above;                         // [deny] epss = 0.5
  bool deny_unknown_severity = false;                       // [deny] unknown_severity = true
  std::vector<std::string> deny_ids;                        // [deny] ids = [...]
  std::vector<AllowEntry> allow;                            // [[allow]]
};

Result<ScanPolicy> load_scan_policy(const std::string &path);
Result<ScanPolicy> load_scan_policy_text(const std::string &text, const std::string &source_name);

} // namespace relgate::scan
