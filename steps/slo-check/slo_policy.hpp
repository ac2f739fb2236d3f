// The slo-check policy (policies/slo.toml): metric names, objectives, the measurement plan,
// canary comparison, burn-rate alerts and the score. Loading is strict (common/policy).
#pragma once

#include "criteria.hpp"
#include "duration.hpp"
#include "policy.hpp"
#include "result.hpp"
#include "scrape_delta.hpp"

#include <optional>
#include <string>
#include <vector>

namespace relgate::slo
{

enum class NoDataPolicy { deny, inconclusive, pass };
enum class Direction { increase_is_bad, decrease_is_bad, none };
enum class RelativeTo { baseline, last_allow };

// Built-in metrics computed from the request counter and latency histogram, or a PromQL query.
struct MetricSpec {
  enum class Kind { error_rate, availability, request_rate, latency_quantile, latency_mean, query, gauge };
  Kind kind = Kind::error_rate;
  double quantile = 0;    // latency_quantile: 0.99 for "p99_latency"
  std::string query;      // Kind::query; may use {{ role }} and {{ window }}. Kind::gauge: the selector as written
  std::string gauge_name; // Kind::gauge: node_filesystem_avail_bytes
  std::vector<std::pair<std::string, std::string>> gauge_labels; // Kind::gauge: exact label matchers
  std::string text;                                              // as written: "p99_latency"
};

// "error_rate", "availability", "request_rate", "pNN_latency" (p99, p99.9), "mean_latency".
Result<MetricSpec> parse_metric_name(const std::string &name);
// A gauge objective: `name` or `name{label="value", ...}` (exact matchers only), read as the
// sample's current value (the end scrape; Prometheus: the selector as an instant query).
Result<MetricSpec> parse_gauge_selector(const std::string &text);
Unit default_unit(const MetricSpec &metric);
Direction default_direction(const MetricSpec &metric);

struct Objective {
  std::string name;
  std::string where; // appended to reasons: "free space 8.2 GiB < 10 GiB on /srv"
  MetricSpec metric;
  Unit unit = Unit::number;
  std::vector<Criterion> pass;    // all must hold; empty = informational
  std::vector<Criterion> warning; // all must hold when pass fails: half the weight
  RelativeTo relative_to = RelativeTo::baseline;
  double weight = 1;
  bool key = false;
  NoDataPolicy no_data = NoDataPolicy::inconclusive;
  // A relative criterion without its reference (no baseline value, no last ALLOW): inconclusive
  // unless the policy says otherwise; "pass" skips the criterion (Keptn's rule).
  NoDataPolicy no_reference = NoDataPolicy::inconclusive;
  Direction direction = Direction::increase_is_bad; // for the canary comparison
};

// Argo Rollouts' analysis semantics (limits are strict: failed > failure_limit fails).
struct MeasurementPlan {
  Duration interval = Duration(0);
  int64_t count = 1;
  int64_t failure_limit = 0;
  int64_t inconclusive_limit = 0;
  int64_t consecutive_error_limit = 4;
};

struct CanaryComparison {
  double confidence = 0.98;             // Mann-Whitney, as Kayenta's default
  double tolerance = 0.25;              // allowed shift, as a fraction of the baseline median
  int64_t min_samples = 3;              // per side, else the ratio alone decides
  bool excuse_if_baseline_fails = true; // a canary merely as bad as the baseline is not blamed
  // Prometheus: take the Mann-Whitney samples from a range query over the last sample_range, one
  // per sample_step, instead of one per measurement (0 = per measurement).
  Duration sample_range = Duration(0);
  Duration sample_step = std::chrono::seconds(15);
};

struct BurnRateWindow {
  Duration long_window = Duration(0);
  Duration short_window = Duration(0);
  double factor = 0;
};

struct BurnRatePolicy {
  bool enabled = false;
  double target = 0.999; // the SLO
  Duration period = std::chrono::hours(24 * 30);
  std::vector<BurnRateWindow> windows;
};

struct ScorePolicy {
  double pass = 90;    // percent
  double warning = 75; // percent
};

struct SloPolicy {
  HttpMetricNames names;
  std::string prometheus_selector; // label matchers added to built-in queries; may use {{ role }}
  Duration window = std::chrono::seconds(30);
  // The shortest window --window may set: [source] min_window, else the window the policy sets,
  // else 1s (a policy silent on the window leaves it to the pipeline).
  Duration min_window = std::chrono::seconds(1);
  Duration request_timeout = std::chrono::seconds(10);
  MeasurementPlan plan;
  std::vector<Objective> objectives;
  CanaryComparison canary;
  BurnRatePolicy burn_rate;
  ScorePolicy score;
};

constexpr int64_t slo_policy_version = 1;

// Reads the keys of an already loaded policy (common/policy load_policy) and checks the rest.
Result<SloPolicy> read_slo_policy(const LoadedPolicy &loaded);
Result<SloPolicy> load_slo_policy_text(const std::string &text, const std::string &source_name);

} // namespace relgate::slo
