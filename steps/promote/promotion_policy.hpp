// policies/promotion.toml: which environments exist, in which order, and what each needs before
// a digest may move there (evidence, soak time, canary stages, approvals, freeze windows).
// Top-level settings apply to every application; [apps.<name>] overrides [images], [approvals],
// [push] and [environments] for one application (each table given replaces the default one).
// Format and defaults: docs/promotion.md.
#pragma once

#include "duration.hpp"
#include "evidence.hpp"
#include "evidence_trust.hpp"
#include "result.hpp"
#include "time_util.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace relgate::promote
{

constexpr int64_t promotion_policy_version = 1;

struct FreezeWindow {
  std::string reason;
  std::string location;           // file:line:column, for messages
  std::optional<TimePoint> start; // dated window [start, end)
  std::optional<TimePoint> end;
  std::vector<int> weekdays; // weekly window: 0 = Sunday .. 6 = Saturday
  int from_minute = 0;       // local minutes since midnight; to < from wraps past midnight
  int to_minute = 24 * 60;
  std::string timezone = "UTC"; // IANA name from the TZ database
};

// "scan-gate" or "slo-check@staging" (a record scoped to an environment).
struct RequiredRecord {
  std::string step;
  std::string env;
  std::string text() const { return env.empty() ? step : step + "@" + env; }
};

struct EnvPolicy {
  std::string name;
  std::string after;           // upstream environment ("" = first)
  Duration soak = Duration(0); // minimum time the digest ran at 100% upstream
  std::vector<RequiredRecord> require;
  std::vector<int64_t> stages{100};     // canary weights, increasing, ending at 100
  std::string stage_gate = "slo-check"; // record needed for the previous stage before the next
  int64_t approvals = 0;
  std::vector<FreezeWindow> freezes;
  std::string image_name; // name as written in manifests ("" = the subject's name)
  // A scan-gate record made with --unbound-report (a scan of a repository, not of the image)
  // counts as the scan-gate ALLOW only when this environment opts in.
  bool allow_unbound_reports = false;
};

struct PromotionPolicy {
  PolicyRef ref;
  std::string app;                             // the application this effective policy is for ("" = the defaults)
  std::vector<std::string> allowed_registries; // empty = any
  std::vector<std::string> allowed_names;      // globs with '*'; empty = any
  // [apps.<app>.images] allowed_names given: the application is bound to those image
  // repositories, so a subject whose name derives another application may be promoted into it.
  bool images_bound_to_app = false;
  gitops::EvidencePolicy evidence;                     // trusted_keys (none = refused unless allow_unsigned)
  std::vector<std::string> approvers;                  // allow-list for --approved-by
  int64_t push_attempts = 64;                          // [push] max_attempts
  Duration push_time_budget = std::chrono::minutes(3); // [push] time_budget
  bool allow_pinned_clock = false;                     // [clock] allow_pinned: --now honoured (tests, drills)
  std::map<std::string, EnvPolicy> environments;
};

// The defaults and every [apps.<name>] override, all validated (an error in any application's
// table fails every run: one policy file, one verdict).
struct PromotionPolicySet {
  PromotionPolicy defaults;
  std::map<std::string, PromotionPolicy> apps;
  const PromotionPolicy &for_app(const std::string &app) const; // the defaults for an app not listed
};

Result<PromotionPolicySet> load_promotion_policies(const std::string &path);
Result<PromotionPolicySet> promotion_policies_from_text(const std::string &text, const std::string &source_name);
// The effective policy of one application ("" = the defaults).
Result<PromotionPolicy> load_promotion_policy(const std::string &path, const std::string &app = "");
Result<PromotionPolicy> promotion_policy_from_text(const std::string &text, const std::string &source_name,
                                                   const std::string &app = "");

// "10%" -> 10; weights 1..100.
Result<int64_t> parse_stage_weight(std::string_view text);

} // namespace relgate::promote
