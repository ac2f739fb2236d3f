// Where measurements come from: a Prometheus server (PromQL), a /metrics endpoint scraped twice
// a window apart, or saved scrapes. Each measurement yields one reading per objective and role.
#pragma once

#include "prometheus_api.hpp"
#include "scrape_delta.hpp"
#include "slo_policy.hpp"
#include "time_util.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace relgate::slo
{

using Clock = std::chrono::steady_clock;

struct Target {
  std::string role;       // "canary", "baseline", or "target" without a comparison
  std::string url;        // --metrics-url / --canary-url / --baseline-url
  std::string role_value; // Prometheus: what {{ role }} becomes
};

struct HttpSettings {
  std::string bearer_token_env;
  std::string basic_auth_env;
  std::string ca_cert_path;
  Duration request_timeout = Duration(10000);
  int max_attempts = 3;
};

struct Reading {
  std::optional<double> value;
  std::string no_data_reason; // why value is absent: "no requests in the window"
  // value is only a lower bound (a quantile in a histogram's +Inf bucket: the highest finite
  // bound): it can fail an upper limit, never pass one (evaluate_reading).
  bool lower_bound = false;
};

struct Measurement {
  std::map<std::string, std::vector<Reading>> readings; // role -> one per objective
  std::vector<std::string> warnings;
  // Why this measurement cannot vouch for an ALLOW although its numbers are valid (a counter
  // reset between two scrapes): the decision is at best INCONCLUSIVE.
  std::vector<std::string> doubts;
  double window_seconds = 0;
  std::map<std::string, WindowStats> stats; // scrape sources: the raw figures, for the record
};

class MetricSource
{
public:
  virtual ~MetricSource() = default;
  virtual std::string kind() const = 0; // "prometheus", "metrics-url", "metrics-file"
  // Errors are measurement errors (unreachable, bad answer, deadline reached).
  virtual Result<Measurement> measure(const std::vector<Objective> &objectives, Clock::time_point deadline) = 0;
  // Error ratio over a window, for burn rates (Prometheus only; others answer nullopt).
  virtual Result<std::optional<double>> error_ratio(const Target &target, Duration window, Clock::time_point deadline);
  // An objective's values over the last `range`, one per `step` (Prometheus query_range), as
  // samples for the canary comparison. Other sources answer nullopt.
  virtual Result<std::optional<std::vector<double>>> range_samples(const Objective &objective, const Target &target,
                                                                   Duration range, Duration step,
                                                                   Clock::time_point deadline);
};

// The timeout for one HTTP attempt so that all attempts fit before the deadline.
Duration attempt_timeout(const HttpSettings &settings, Clock::time_point deadline);
// Sleeps until `until` unless it is past the deadline: then an error naming `what`.
Result<void> sleep_until_or_deadline(Clock::time_point until, Clock::time_point deadline, const std::string &what);

std::string substitute_placeholders(std::string text, const std::string &role_value, Duration window);

std::unique_ptr<MetricSource> make_prometheus_source(std::string base_url, std::vector<Target> targets,
                                                     HttpSettings http, SloPolicy policy);
std::unique_ptr<MetricSource> make_scrape_source(std::vector<Target> targets, HttpSettings http, SloPolicy policy);
// Per role ("target", or "canary" and "baseline"): one file is judged against zero, two give the
// delta between them.
std::unique_ptr<MetricSource> make_file_source(std::map<std::string, std::vector<std::string>> files_by_role,
                                               SloPolicy policy);

Reading no_data_reading(std::string why);

// Every reading of a measurement must be a finite number, and a built-in metric (a rate, a ratio, a
// latency) also >= 0: anything else is bad data that no criterion may judge (-Inf <= 500ms holds).
// The error names the objective, the role and the value.
Result<void> check_readings(const std::vector<Objective> &objectives, const Measurement &measurement);

// A gauge objective's reading: the one sample of the scrape its selector matches (no series = no
// data; several = an error naming the selector).
Result<Reading> gauge_reading(const MetricSpec &metric, const Exposition &scrape, const std::string &where);

// Built-in readings from the figures of one window.
Reading builtin_reading(const MetricSpec &metric, const WindowStats &stats, const HttpMetricNames &names);

} // namespace relgate::slo
