#include "metric_sources.hpp"
#include "text_join.hpp"
#include "watch.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace relgate::slo
{

namespace
{

std::string replace_all(std::string text, const std::string &from, const std::string &to)
{
  for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

} // namespace

Result<Reading> gauge_reading(const MetricSpec &metric, const Exposition &scrape, const std::string &where)
{
  std::optional<double> found;
  std::size_t matches = 0;
  for (const auto &sample : scrape.samples) {
    if (sample.name != metric.gauge_name)
      continue;
    bool all = true;
    for (const auto &[label, value] : metric.gauge_labels) {
      const auto actual = label_value(sample.labels, label);
      all = all && actual && *actual == value;
    }
    if (!all)
      continue;
    ++matches;
    found = sample.value;
  }
  if (matches > 1) {
    return make_error(where + ": gauge " + metric.query + " matches " + std::to_string(matches) +
                      " series: add label matchers until it names one");
  }
  if (!found)
    return no_data_reading("no series " + metric.query + " in the scrape");
  return Reading{*found, {}};
}

Reading no_data_reading(std::string why)
{
  return Reading{std::nullopt, std::move(why)};
}

Result<std::optional<double>> MetricSource::error_ratio(const Target &, Duration, Clock::time_point)
{
  return std::optional<double>();
}

Result<std::optional<std::vector<double>>> MetricSource::range_samples(const Objective &, const Target &, Duration,
                                                                       Duration, Clock::time_point)
{
  return std::optional<std::vector<double>>();
}

Duration attempt_timeout(const HttpSettings &settings, Clock::time_point deadline)
{
  const auto remaining = std::chrono::duration_cast<Duration>(deadline - Clock::now());
  const auto share = remaining / std::max(1, settings.max_attempts);
  return std::max(Duration(100), std::min(settings.request_timeout, share));
}

Result<void> sleep_until_or_deadline(Clock::time_point until, Clock::time_point deadline, const std::string &what)
{
  const auto wake = std::min(until, deadline);
  // In slices, so that SIGINT / SIGTERM under --watch ends the wait within 100 ms.
  while (Clock::now() < wake) {
    if (stop_requested())
      return make_error("stopped by a signal while " + what);
    std::this_thread::sleep_until(std::min(wake, Clock::now() + std::chrono::milliseconds(100)));
  }
  if (stop_requested())
    return make_error("stopped by a signal while " + what);
  if (until > deadline)
    return make_error("--timeout reached while " + what);
  return ok_result();
}

std::string substitute_placeholders(std::string text, const std::string &role_value, Duration window)
{
  text = replace_all(std::move(text), "{{ role }}", role_value);
  text = replace_all(std::move(text), "{{role}}", role_value);
  text = replace_all(std::move(text), "{{ window }}", format_duration(window));
  text = replace_all(std::move(text), "{{window}}", format_duration(window));
  return text;
}

Result<void> check_readings(const std::vector<Objective> &objectives, const Measurement &measurement)
{
  for (const auto &[role, readings] : measurement.readings) {
    for (std::size_t i = 0; i < readings.size() && i < objectives.size(); ++i) {
      if (!readings[i].value)
        continue;
      const double value = *readings[i].value;
      const bool builtin =
          objectives[i].metric.kind != MetricSpec::Kind::query && objectives[i].metric.kind != MetricSpec::Kind::gauge;
      if (std::isfinite(value) && (!builtin || value >= 0))
        continue;
      return make_error(objectives[i].name + " (" + role + ") measured " + prometheus_value_text(value) + ": " +
                        (builtin ? "a rate, ratio or latency is a finite number >= 0" : "not a finite number") +
                        " (bad data from the source; not judged)");
    }
  }
  return ok_result();
}

Reading builtin_reading(const MetricSpec &metric, const WindowStats &stats, const HttpMetricNames &names)
{
  using Kind = MetricSpec::Kind;
  switch (metric.kind) {
  case Kind::error_rate:
  case Kind::availability: {
    if (!stats.has_requests_metric)
      return no_data_reading(names.requests_total +
                             " not in the scrape (no request served yet, or check [source] requests_metric)");
    if (!stats.has_status_label)
      return no_data_reading(names.requests_total + " has none of the labels " + join(names.status_labels, ", ") +
                             "; check [source] status_labels");
    auto ratio = error_rate(stats);
    if (!ratio)
      return no_data_reading("no requests in the window");
    return Reading{metric.kind == Kind::availability ? 1.0 - *ratio : *ratio, {}};
  }
  case Kind::request_rate: {
    auto rate = request_rate(stats);
    if (!rate)
      return no_data_reading(names.requests_total +
                             " not in the scrape (no request served yet, or check [source] requests_metric)");
    return Reading{*rate, {}};
  }
  case Kind::latency_quantile: {
    if (!stats.has_histogram)
      return no_data_reading(names.latency_histogram +
                             "_bucket not in the scrape (no request served yet, or check [source] latency_histogram)");
    auto estimate = latency_quantile_estimate(stats, metric.quantile);
    if (!estimate)
      return no_data_reading("no observations in the window");
    return Reading{estimate->value, {}, estimate->lower_bound};
  }
  case Kind::latency_mean: {
    auto value = latency_mean(stats);
    if (!value)
      return no_data_reading("no observations in the window");
    return Reading{*value, {}};
  }
  case Kind::query:
    return no_data_reading("PromQL objectives need --prometheus");
  case Kind::gauge:
    return no_data_reading("internal: a gauge is read from the scrape itself");
  }
  return no_data_reading("unknown metric");
}

} // namespace relgate::slo
