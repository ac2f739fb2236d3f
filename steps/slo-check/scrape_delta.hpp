// Counter deltas between two scrapes of the same target, and the HTTP health figures built on
// them (requests, errors by status label, latency buckets). Counter resets count as Prometheus's
// increase() counts them: a value lower than before means the counter restarted from zero. A
// reset (or a series that vanished) is recorded, because such a window cannot vouch for an ALLOW.
#pragma once

#include "exposition.hpp"
#include "histogram_quantile.hpp"

#include <optional>
#include <string>
#include <vector>

namespace relgate::slo
{

struct HttpMetricNames {
  std::string requests_total = "http_requests_total";
  std::vector<std::string> status_labels = {"status_code", "code", "status"};
  std::string error_status_prefix = "5"; // "5" = 5xx
  std::string latency_histogram = "http_request_duration_seconds";
};

// The sample names compute_window_stats reads (what a scrape keeps: ExpositionFilter).
std::vector<std::string> window_sample_names(const HttpMetricNames &names);

// Δ of one counter sample: c2 - c1, or c2 after a reset (c2 < c1), or c2 for a new series.
double counter_delta(std::optional<double> before, double after);

struct WindowStats {
  double requests = 0;
  double errors = 0;
  bool has_requests_metric = false;    // the counter was exposed at all
  bool has_status_label = false;       // some series carried one of the status labels
  std::vector<Bucket> latency_buckets; // Δ per le, summed over all series
  double latency_sum = 0;
  double latency_count = 0;
  bool has_histogram = false;
  double window_seconds = 0;             // from sample timestamps when both scrapes have them, else given
  int counter_resets = 0;                // decreased or vanished series of the metrics above
  std::vector<std::string> reset_series; // the first few of them, for the reason
};

// `before` may be empty (one saved scrape judged against zero). Bad data in the series the figures
// use is an error naming the series, the value and the scrape (`before_name` / `after_name`): a
// NaN, infinite or negative counter or bucket, a bucket whose le is not a number or is negative,
// a series twice in one scrape, or totals that overflow a double.
Result<WindowStats> compute_window_stats(const Exposition &before, const Exposition &after,
                                         const HttpMetricNames &names, double wall_window_seconds,
                                         const std::string &before_name = "the start scrape",
                                         const std::string &after_name = "the end scrape");

// Built-in metric values; nullopt = no data (no requests, no buckets, NaN quantile).
std::optional<double> error_rate(const WindowStats &stats);
std::optional<double> request_rate(const WindowStats &stats);
std::optional<double> latency_quantile(const WindowStats &stats, double q);
std::optional<QuantileEstimate> latency_quantile_estimate(const WindowStats &stats, double q); // with lower_bound
std::optional<double> latency_mean(const WindowStats &stats);

} // namespace relgate::slo
