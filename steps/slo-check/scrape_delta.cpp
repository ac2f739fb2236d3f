#include "scrape_delta.hpp"

#include "encoding.hpp"

#include <cmath>
#include <initializer_list>
#include <map>
#include <string>

namespace relgate::slo
{

namespace
{

constexpr std::size_t max_named_resets = 5;

// A series key for a message: label values are untrusted (a newline or an escape sequence would
// forge or hide output lines).
std::string shown(const std::string &key)
{
  return printable_excerpt(key, 200);
}

// The series the figures are built from; everything else in a scrape is ignored.
struct UsedNames {
  std::string requests, histogram, bucket, sum, count;
  explicit UsedNames(const HttpMetricNames &names)
      : requests(names.requests_total), histogram(names.latency_histogram), bucket(names.latency_histogram + "_bucket"),
        sum(names.latency_histogram + "_sum"), count(names.latency_histogram + "_count")
  {
  }
  bool used(const std::string &name) const
  {
    return name == requests || name == bucket || name == sum || name == count;
  }
};

struct SampleIndex {
  std::map<std::string, double> values; // used series only
  std::optional<double> newest_timestamp_ms;
};

// Indexes one scrape and refuses what no counter can be: NaN, +-Inf, negative, a series twice.
// (The bucket label le="+Inf" is legitimate; only a sample VALUE of +Inf is bad.)
Result<SampleIndex> index_samples(const Exposition &exposition, const UsedNames &used, const std::string &scrape_name)
{
  SampleIndex index;
  index.newest_timestamp_ms = exposition.newest_timestamp_ms;
  for (const auto &sample : exposition.samples) {
    if (!used.used(sample.name))
      continue;
    const std::string key = series_key(sample.name, sample.labels);
    if (!std::isfinite(sample.value) || sample.value < 0) {
      return make_error(scrape_name + ": " + shown(key) + " = " + prometheus_value_text(sample.value) +
                        ": a counter or bucket is never NaN, +Inf, -Inf or negative (bad data; fix the exporter)");
    }
    if (sample.name == used.bucket) {
      auto le_text = label_value(sample.labels, "le");
      auto le = le_text ? parse_prometheus_float(*le_text) : std::nullopt;
      if (!le || std::isnan(*le) || *le < 0) {
        return make_error(scrape_name + ": " + shown(key) +
                          ": the le label must be a bucket bound >= 0 (\"0.5\", \"+Inf\")" +
                          (le_text ? "" : "; it is missing"));
      }
    }
    if (!index.values.emplace(key, sample.value).second)
      return make_error(scrape_name + ": " + shown(key) + " appears twice in one scrape (bad data)");
  }
  return index;
}

// Every histogram series (its labels but le) ends in an le="+Inf" bucket, and its _count, when
// exposed, equals that bucket: the text format's rule. Buckets are summed by le across series, so a
// series without its +Inf bucket would drop its observations above its last bound (its slow
// requests) from every quantile. Runs after index_samples (le checked there).
Result<void> check_histogram_series(const Exposition &exposition, const UsedNames &used, const std::string &scrape_name)
{
  std::map<std::string, std::optional<double>> inf_buckets; // series -> its +Inf bucket
  std::map<std::string, double> counts;                     // series -> its _count
  for (const auto &sample : exposition.samples) {
    if (sample.name != used.bucket && sample.name != used.count)
      continue;
    Labels labels = sample.labels;
    std::optional<double> le;
    for (auto it = labels.begin(); it != labels.end(); ++it) {
      if (sample.name == used.bucket && it->first == "le") {
        le = parse_prometheus_float(it->second);
        labels.erase(it);
        break;
      }
    }
    const std::string series = series_key(used.histogram, labels);
    if (sample.name == used.count) {
      counts[series] = sample.value;
      continue;
    }
    auto &inf = inf_buckets[series];
    if (le && std::isinf(*le))
      inf = sample.value;
  }
  if (inf_buckets.empty())
    return ok_result(); // no histogram (none exposed, or a summary of that name): no latency data
  for (const auto &[series, inf] : inf_buckets) {
    if (!inf) {
      return make_error(scrape_name + ": histogram series " + shown(series) +
                        " has no le=\"+Inf\" bucket: every histogram series needs one, else its observations "
                        "above its largest bound are lost (bad data; fix the exporter)");
    }
  }
  for (const auto &[series, count] : counts) {
    const auto it = inf_buckets.find(series);
    if (it == inf_buckets.end()) {
      return make_error(scrape_name + ": histogram series " + shown(series) + " has a " + used.count +
                        " but no buckets: its observations would be missing from every quantile (bad data; fix "
                        "the exporter)");
    }
    if (*it->second != count) {
      return make_error(scrape_name + ": histogram series " + shown(series) + ": " + used.count + " " +
                        prometheus_value_text(count) + " differs from its le=\"+Inf\" bucket " +
                        prometheus_value_text(*it->second) +
                        ", which counts the same observations (bad data; fix the exporter)");
    }
  }
  return ok_result();
}

bool all_finite(std::initializer_list<double> values)
{
  for (double value : values) {
    if (!std::isfinite(value))
      return false;
  }
  return true;
}

} // namespace

std::vector<std::string> window_sample_names(const HttpMetricNames &names)
{
  const UsedNames used(names);
  return {used.requests, used.bucket, used.sum, used.count};
}

double counter_delta(std::optional<double> before, double after)
{
  if (!before)
    return after;
  if (after < *before)
    return after; // reset: the counter restarted from zero
  return after - *before;
}

Result<WindowStats> compute_window_stats(const Exposition &before, const Exposition &after,
                                         const HttpMetricNames &names, double wall_window_seconds,
                                         const std::string &before_name, const std::string &after_name)
{
  WindowStats stats;
  const UsedNames used(names);
  RELGATE_ASSIGN_OR_RETURN(SampleIndex old_index, index_samples(before, used, before_name));
  RELGATE_ASSIGN_OR_RETURN(SampleIndex new_index, index_samples(after, used, after_name));
  RELGATE_TRY(check_histogram_series(before, used, before_name));
  RELGATE_TRY(check_histogram_series(after, used, after_name));
  stats.window_seconds = wall_window_seconds;
  if (old_index.newest_timestamp_ms && new_index.newest_timestamp_ms &&
      *new_index.newest_timestamp_ms > *old_index.newest_timestamp_ms) {
    stats.window_seconds = (*new_index.newest_timestamp_ms - *old_index.newest_timestamp_ms) / 1000.0;
  }
  auto note_reset = [&](const std::string &key, const std::string &why) {
    ++stats.counter_resets;
    if (stats.reset_series.size() < max_named_resets)
      stats.reset_series.push_back(shown(key) + why);
  };
  // A series of the start scrape missing from the end scrape hides whatever it counted (a 5xx
  // series dropped from the second scrape would read as "no errors"): it is a reset, not nothing.
  for (const auto &entry : old_index.values) {
    if (!new_index.values.count(entry.first))
      note_reset(entry.first, " (gone from " + after_name + ")");
  }

  // Buckets are summed per le across series (method, path, ...), as sum by (le) (...) does.
  std::map<double, double> bucket_deltas;
  for (const auto &sample : after.samples) {
    if (!used.used(sample.name))
      continue;
    const std::string key = series_key(sample.name, sample.labels);
    auto old_it = old_index.values.find(key);
    std::optional<double> old_value;
    if (old_it != old_index.values.end())
      old_value = old_it->second;
    const double delta = counter_delta(old_value, sample.value);
    if (old_value && sample.value < *old_value)
      note_reset(key, "");
    if (sample.name == used.requests) {
      stats.has_requests_metric = true;
      stats.requests += delta;
      for (const auto &label : names.status_labels) {
        auto status = label_value(sample.labels, label);
        if (!status)
          continue;
        stats.has_status_label = true;
        if (status->rfind(names.error_status_prefix, 0) == 0)
          stats.errors += delta;
        break;
      }
    } else if (sample.name == used.bucket) {
      stats.has_histogram = true;
      bucket_deltas[*parse_prometheus_float(*label_value(sample.labels, "le"))] += delta; // checked above
    } else if (sample.name == used.sum) {
      // _sum can legitimately decrease (negative observations) but latency cannot: treat as a counter.
      stats.latency_sum += delta;
    } else {
      stats.latency_count += delta;
    }
  }
  for (const auto &[le, count] : bucket_deltas) {
    if (!std::isfinite(count))
      return make_error(after_name + ": the " + used.bucket + " buckets with le=\"" + prometheus_value_text(le) +
                        "\" add up past the largest number (bad data)");
    stats.latency_buckets.push_back({le, count});
  }
  if (!all_finite({stats.requests, stats.errors, stats.latency_sum, stats.latency_count, stats.window_seconds}))
    return make_error(after_name + ": the " + names.requests_total + " / " + names.latency_histogram +
                      " totals add up past the largest number (bad data)");
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
  const auto estimate = latency_quantile_estimate(stats, q);
  return estimate ? std::optional<double>(estimate->value) : std::nullopt;
}

std::optional<QuantileEstimate> latency_quantile_estimate(const WindowStats &stats, double q)
{
  if (!stats.has_histogram)
    return std::nullopt;
  const QuantileEstimate estimate = estimate_quantile(q, stats.latency_buckets);
  if (std::isnan(estimate.value))
    return std::nullopt;
  return estimate;
}

std::optional<double> latency_mean(const WindowStats &stats)
{
  if (stats.latency_count <= 0)
    return std::nullopt;
  return stats.latency_sum / stats.latency_count;
}

} // namespace relgate::slo
