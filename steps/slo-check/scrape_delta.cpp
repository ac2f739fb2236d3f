#include "scrape_delta.hpp"

#include <cmath>
#include <map>

namespace relgate::slo
{

namespace
{

struct SampleIndex {
  std::map<std::string, double> values;
  std::optional<double> newest_timestamp_ms;
};

SampleIndex index_samples(const Exposition &exposition)
{
  SampleIndex index;
  for (const auto &sample : exposition.samples) {
    index.values[series_key(sample.name, sample.labels)] = sample.value;
    if (sample.timestamp_ms && (!index.newest_timestamp_ms || *sample.timestamp_ms > *index.newest_timestamp_ms)) {
      index.newest_timestamp_ms = sample.timestamp_ms;
    }
  }
  return index;
}

std::optional<double> find_value(const SampleIndex &index, const std::string &key)
{
  auto it = index.values.find(key);
  if (it == index.values.end())
    return std::nullopt;
  return it->second;
}

} // namespace

double counter_delta(std::optional<double> before, double after)
{
  if (!before)
    return after;
  if (after < *before)
    return after; // reset: the counter restarted from zero
  return after - *before;
}

WindowStats compute_window_stats(const Exposition &before, const Exposition &after, const HttpMetricNames &names,
                                 double wall_window_seconds)
{
  WindowStats stats;
  SampleIndex old_index = index_samples(before);
  SampleIndex new_index = index_samples(after);
  stats.window_seconds = wall_window_seconds;
  if (old_index.newest_timestamp_ms && new_index.newest_timestamp_ms &&
      *new_index.newest_timestamp_ms > *old_index.newest_timestamp_ms) {
    stats.window_seconds = (*new_index.newest_timestamp_ms - *old_index.newest_timestamp_ms) / 1000.0;
  }

  // Buckets are summed per le across series (method, path, ...), as sum by (le) (...) does.
  std::map<double, double> bucket_deltas;
  const std::string bucket_name = names.latency_histogram + "_bucket";
  const std::string sum_name = names.latency_histogram + "_sum";
  const std::string count_name = names.latency_histogram + "_count";

  for (const auto &sample : after.samples) {
    const std::string key = series_key(sample.name, sample.labels);
    std::optional<double> old_value = find_value(old_index, key);
    if (std::isnan(sample.value))
      continue;
    double delta = counter_delta(old_value, sample.value);
    bool reset = old_value && sample.value < *old_value;
    if (sample.name == names.requests_total) {
      stats.has_requests_metric = true;
      stats.requests += delta;
      if (reset)
        ++stats.counter_resets;
      for (const auto &label : names.status_labels) {
        auto status = label_value(sample.labels, label);
        if (!status)
          continue;
        stats.has_status_label = true;
        if (status->rfind(names.error_status_prefix, 0) == 0)
          stats.errors += delta;
        break;
      }
    } else if (sample.name == bucket_name) {
      auto le_text = label_value(sample.labels, "le");
      if (!le_text)
        continue;
      auto le = parse_prometheus_float(*le_text);
      if (!le || std::isnan(*le))
        continue; // Prometheus skips buckets with a bad le as well
      stats.has_histogram = true;
      bucket_deltas[*le] += delta;
      if (reset)
        ++stats.counter_resets;
    } else if (sample.name == sum_name) {
      // _sum can legitimately decrease (negative observations) but latency cannot: treat as a counter.
      stats.latency_sum += delta;
    } else if (sample.name == count_name) {
      stats.latency_count += delta;
    }
  }
  for (const auto &[le, count] : bucket_deltas)
    stats.latency_buckets.push_back({le, count});
  return stats;
}

std::optional<double> error_rate(const WindowStats &stats)
{
  if (!stats.has_requests_metric || !stats.has_status_label || stats.requests <= 0)
    return std::nullopt;
  return stats.errors / stats.requests;
}

std::optional<double> request_rate(const WindowStats &stats)
{
  if (!stats.has_requests_metric || stats.window_seconds <= 0)
    return std::nullopt;
  return stats.requests / stats.window_seconds;
}

std::optional<double> latency_quantile(const WindowStats &stats, double q)
{
  if (!stats.has_histogram)
    return std::nullopt;
  double value = histogram_quantile(q, stats.latency_buckets);
  if (std::isnan(value))
    return std::nullopt;
  return value;
}

std::optional<double> latency_mean(const WindowStats &stats)
{
  if (stats.latency_count <= 0)
    return std::nullopt;
  return stats.latency_sum / stats.latency_count;
}

} // namespace relgate::slo
