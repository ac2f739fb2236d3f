#include "metric_sources.hpp"

#include "file_io.hpp"
#include "http_client.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <thread>

namespace relgate::slo {

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to)
{
  for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

std::string fixed_quantile(double q)
{
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", q);
  return buffer;
}

std::string join(const std::vector<std::string>& items)
{
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

Reading no_data(std::string why)
{
  return Reading{std::nullopt, std::move(why)};
}

void note_resets(const std::string& role, const WindowStats& stats, Measurement& measurement)
{
  if (stats.counter_resets > 0) {
    measurement.warnings.push_back(role + ": " + std::to_string(stats.counter_resets) +
                                   " counter reset(s) between the scrapes (the service restarted?): counted from zero");
  }
}

Result<Exposition> scrape(const Target& target, const HttpSettings& http, Clock::time_point deadline)
{
  HttpRequest request;
  request.url = target.url;
  request.headers.push_back("Accept: text/plain;version=0.0.4;q=1.0,application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.1");
  request.bearer_token_env = http.bearer_token_env;
  request.basic_auth_env = http.basic_auth_env;
  request.ca_cert_path = http.ca_cert_path;
  request.timeout = attempt_timeout(http, deadline);
  request.max_attempts = http.max_attempts;
  const std::string where = target.role + " " + redact_url(target.url);
  auto response = http_get(request);
  if (!response) return make_error(where + ": unreachable: " + response.message());
  if (response->status != 200) {
    const bool denied = response->status == 401 || response->status == 403;
    return make_error(where + ": HTTP " + std::to_string(response->status) + " after " + std::to_string(response->attempts) +
                      " attempt(s): '" + body_excerpt(response->body) + "'" +
                      (denied ? " (check --bearer-token-env / --basic-auth-env)" : ""));
  }
  auto parsed = parse_exposition(response->body, where);
  if (!parsed) return make_error(parsed.message() + " (is this a Prometheus /metrics endpoint?)");
  return parsed;
}

class ScrapeSource : public MetricSource
{
public:
  ScrapeSource(std::vector<Target> targets, HttpSettings http, SloPolicy policy)
    : m_targets(std::move(targets)), m_http(std::move(http)), m_policy(std::move(policy))
  {
  }
  std::string kind() const override { return "metrics-url"; }

  Result<Measurement> measure(const std::vector<Objective>& objectives, Clock::time_point deadline) override
  {
    // Scrapes chain: the end of one measurement is the start of the next when it is recent
    // enough (interval <= window), which halves the scrapes of a long plan.
    const auto now = Clock::now();
    const bool reuse = !m_previous.empty() && now - m_previous_time <= m_policy.window + std::chrono::seconds(1);
    std::map<std::string, Exposition> start;
    Clock::time_point start_time = now;
    if (reuse) {
      start = m_previous;
      start_time = m_previous_time;
    } else {
      for (const auto& target : m_targets) {
        RELGATE_ASSIGN_OR_RETURN(start[target.role], scrape(target, m_http, deadline));
      }
      start_time = Clock::now();
    }
    RELGATE_TRY(sleep_until_or_deadline(start_time + m_policy.window, deadline, "waiting --window " + format_duration(m_policy.window) + " between scrapes"));
    std::map<std::string, Exposition> end;
    for (const auto& target : m_targets) {
      RELGATE_ASSIGN_OR_RETURN(end[target.role], scrape(target, m_http, deadline));
    }
    const auto end_time = Clock::now();
    Measurement measurement;
    measurement.window_seconds = std::chrono::duration<double>(end_time - start_time).count();
    for (const auto& target : m_targets) {
      WindowStats stats = compute_window_stats(start[target.role], end[target.role], m_policy.names, measurement.window_seconds);
      auto& readings = measurement.readings[target.role];
      for (const auto& objective : objectives) readings.push_back(builtin_reading(objective.metric, stats, m_policy.names));
      note_resets(target.role, stats, measurement);
      measurement.stats[target.role] = stats;
    }
    m_previous = std::move(end);
    m_previous_time = end_time;
    return measurement;
  }

private:
  std::vector<Target> m_targets;
  HttpSettings m_http;
  SloPolicy m_policy;
  std::map<std::string, Exposition> m_previous;
  Clock::time_point m_previous_time;
};

class FileSource : public MetricSource
{
public:
  FileSource(std::vector<std::string> files, SloPolicy policy) : m_files(std::move(files)), m_policy(std::move(policy)) {}
  std::string kind() const override { return "metrics-file"; }

  Result<Measurement> measure(const std::vector<Objective>& objectives, Clock::time_point) override
  {
    Exposition before;
    if (m_files.size() == 2) {
      RELGATE_ASSIGN_OR_RETURN(auto text, read_file(m_files[0]));
      RELGATE_ASSIGN_OR_RETURN(before, parse_exposition(text, m_files[0]));
    }
    RELGATE_ASSIGN_OR_RETURN(auto text, read_file(m_files.back()));
    RELGATE_ASSIGN_OR_RETURN(auto after, parse_exposition(text, m_files.back()));
    Measurement measurement;
    const double window = std::chrono::duration<double>(m_policy.window).count();
    WindowStats stats = compute_window_stats(before, after, m_policy.names, window);
    measurement.window_seconds = stats.window_seconds;
    auto& readings = measurement.readings["target"];
    for (const auto& objective : objectives) readings.push_back(builtin_reading(objective.metric, stats, m_policy.names));
    note_resets("target", stats, measurement);
    measurement.stats["target"] = stats;
    return measurement;
  }

private:
  std::vector<std::string> m_files;
  SloPolicy m_policy;
};

class PrometheusSource : public MetricSource
{
public:
  PrometheusSource(std::string base_url, std::vector<Target> targets, HttpSettings http, SloPolicy policy)
    : m_targets(std::move(targets)), m_http(std::move(http)), m_policy(std::move(policy))
  {
    m_endpoint.base_url = std::move(base_url);
    m_endpoint.bearer_token_env = m_http.bearer_token_env;
    m_endpoint.basic_auth_env = m_http.basic_auth_env;
    m_endpoint.ca_cert_path = m_http.ca_cert_path;
    m_endpoint.max_attempts = m_http.max_attempts;
  }
  std::string kind() const override { return "prometheus"; }

  Result<Measurement> measure(const std::vector<Objective>& objectives, Clock::time_point deadline) override
  {
    Measurement measurement;
    measurement.window_seconds = std::chrono::duration<double>(m_policy.window).count();
    for (const auto& target : m_targets) {
      std::optional<RequestTotals> totals; // one query serves error_rate, availability, request_rate
      auto& readings = measurement.readings[target.role];
      for (const auto& objective : objectives) {
        const auto& metric = objective.metric;
        using Kind = MetricSpec::Kind;
        if (metric.kind == Kind::error_rate || metric.kind == Kind::availability || metric.kind == Kind::request_rate) {
          if (!totals) {
            RELGATE_ASSIGN_OR_RETURN(totals, request_totals(target, m_policy.window, deadline, measurement.warnings));
          }
          readings.push_back(reading_from_totals(metric, *totals, m_policy.window));
          continue;
        }
        const std::string promql = single_series_promql(metric, target);
        RELGATE_ASSIGN_OR_RETURN(auto result, query(promql, deadline));
        for (const auto& warning : result.warnings) measurement.warnings.push_back("prometheus warning: " + warning);
        auto value = single_value(result, promql);
        if (!value) return make_error(objective.name + ": " + value.message());
        if (!*value) {
          readings.push_back(no_data(result.series.empty() ? "query returned no series" : "query returned NaN"));
        } else {
          readings.push_back(Reading{**value, {}});
        }
      }
    }
    return measurement;
  }

  Result<std::optional<double>> error_ratio(const Target& target, Duration window, Clock::time_point deadline) override
  {
    std::vector<std::string> warnings;
    RELGATE_ASSIGN_OR_RETURN(auto totals, request_totals(target, window, deadline, warnings));
    if (!totals.has_status_label || totals.requests <= 0) return std::optional<double>();
    return std::optional<double>(totals.errors / totals.requests);
  }

  Result<std::optional<std::vector<double>>> range_samples(const Objective& objective, const Target& target, Duration range,
                                                           Duration step, Clock::time_point deadline) override
  {
    using Kind = MetricSpec::Kind;
    const auto& metric = objective.metric;
    const double end = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const double start = end - std::chrono::duration<double>(range).count();
    PrometheusEndpoint endpoint = m_endpoint;
    endpoint.request_timeout = attempt_timeout(m_http, deadline);
    std::vector<double> samples;
    if (metric.kind == Kind::error_rate || metric.kind == Kind::availability || metric.kind == Kind::request_rate) {
      // Per timestamp, the same client-side sum as for an instant measurement.
      RELGATE_ASSIGN_OR_RETURN(auto result, prometheus_query_range(endpoint, requests_promql(target, m_policy.window), start, end, step));
      std::map<double, RequestTotals> by_time;
      for (const auto& series : result.series) {
        for (const auto& [time, value] : series.points) add_to_totals(by_time[time], series.metric, value);
      }
      for (const auto& [time, totals] : by_time) {
        (void)time;
        Reading reading = reading_from_totals(metric, totals, m_policy.window);
        if (reading.value) samples.push_back(*reading.value);
      }
      return std::optional<std::vector<double>>(std::move(samples));
    }
    const std::string promql = single_series_promql(metric, target);
    RELGATE_ASSIGN_OR_RETURN(auto result, prometheus_query_range(endpoint, promql, start, end, step));
    if (result.series.size() > 1) {
      return make_error(objective.name + ": range query '" + promql + "' returned " + std::to_string(result.series.size()) +
                        " series; aggregate it to one");
    }
    for (const auto& series : result.series) {
      for (const auto& point : series.points) {
        if (!std::isnan(point.second)) samples.push_back(point.second);
      }
    }
    return std::optional<std::vector<double>>(std::move(samples));
  }

private:
  struct RequestTotals
  {
    double requests = 0;
    double errors = 0;
    bool any_series = false;
    bool has_status_label = false;
  };

  std::string selector(const Target& target) const
  {
    std::string text = substitute_placeholders(m_policy.prometheus_selector, target.role_value, m_policy.window);
    return text.empty() ? "" : "{" + text + "}";
  }

  // PromQL that answers one series for the latency metrics and `query` objectives.
  std::string single_series_promql(const MetricSpec& metric, const Target& target) const
  {
    std::string promql;
    if (metric.kind == MetricSpec::Kind::latency_quantile) {
      promql = "histogram_quantile(" + fixed_quantile(metric.quantile) + ", sum by (le) (rate(" + m_policy.names.latency_histogram +
               "_bucket" + selector(target) + "[{{ window }}])))";
    } else if (metric.kind == MetricSpec::Kind::latency_mean) {
      const std::string h = m_policy.names.latency_histogram;
      promql = "sum(rate(" + h + "_sum" + selector(target) + "[{{ window }}])) / sum(rate(" + h + "_count" + selector(target) +
               "[{{ window }}]))";
    } else {
      promql = metric.query;
    }
    return substitute_placeholders(promql, target.role_value, m_policy.window);
  }

  // Summed by every candidate status label: the client then picks the one each series has.
  std::string requests_promql(const Target& target, Duration window) const
  {
    std::string by;
    for (const auto& label : m_policy.names.status_labels) by += (by.empty() ? "" : ", ") + label;
    return "sum by (" + by + ") (increase(" + m_policy.names.requests_total + selector(target) + "[" + format_duration(window) + "]))";
  }

  void add_to_totals(RequestTotals& totals, const Labels& metric, double value) const
  {
    if (std::isnan(value)) return;
    totals.any_series = true;
    totals.requests += value;
    for (const auto& label : m_policy.names.status_labels) {
      auto status = label_value(metric, label);
      if (!status) continue;
      totals.has_status_label = true;
      if (status->rfind(m_policy.names.error_status_prefix, 0) == 0) totals.errors += value;
      break;
    }
  }

  Result<PromQueryResult> query(const std::string& promql, Clock::time_point deadline)
  {
    PrometheusEndpoint endpoint = m_endpoint;
    endpoint.request_timeout = attempt_timeout(m_http, deadline);
    if (Clock::now() >= deadline) return make_error("--timeout reached before querying Prometheus");
    return prometheus_query(endpoint, promql);
  }

  Result<RequestTotals> request_totals(const Target& target, Duration window, Clock::time_point deadline,
                                       std::vector<std::string>& warnings)
  {
    const std::string promql = requests_promql(target, window);
    RELGATE_ASSIGN_OR_RETURN(auto result, query(promql, deadline));
    for (const auto& warning : result.warnings) warnings.push_back("prometheus warning: " + warning);
    if (result.result_type != "vector") return make_error("query '" + promql + "' returned a " + result.result_type + ", expected a vector");
    RequestTotals totals;
    for (const auto& series : result.series) {
      if (!series.points.empty()) add_to_totals(totals, series.metric, series.points.back().second);
    }
    return totals;
  }

  Reading reading_from_totals(const MetricSpec& metric, const RequestTotals& totals, Duration window) const
  {
    if (!totals.any_series) return no_data(m_policy.names.requests_total + ": no series in the window");
    if (metric.kind == MetricSpec::Kind::request_rate) {
      return Reading{totals.requests / std::chrono::duration<double>(window).count(), {}};
    }
    if (!totals.has_status_label) return no_data(m_policy.names.requests_total + " has none of the status labels");
    if (totals.requests <= 0) return no_data("no requests in the window");
    const double ratio = totals.errors / totals.requests;
    return Reading{metric.kind == MetricSpec::Kind::availability ? 1.0 - ratio : ratio, {}};
  }

  std::vector<Target> m_targets;
  HttpSettings m_http;
  SloPolicy m_policy;
  PrometheusEndpoint m_endpoint;
};

} // namespace

Result<std::optional<double>> MetricSource::error_ratio(const Target&, Duration, Clock::time_point)
{
  return std::optional<double>();
}

Result<std::optional<std::vector<double>>> MetricSource::range_samples(const Objective&, const Target&, Duration, Duration,
                                                                       Clock::time_point)
{
  return std::optional<std::vector<double>>();
}

Duration attempt_timeout(const HttpSettings& settings, Clock::time_point deadline)
{
  const auto remaining = std::chrono::duration_cast<Duration>(deadline - Clock::now());
  const auto share = remaining / std::max(1, settings.max_attempts);
  return std::max(Duration(100), std::min(settings.request_timeout, share));
}

Result<void> sleep_until_or_deadline(Clock::time_point until, Clock::time_point deadline, const std::string& what)
{
  if (until > deadline) {
    std::this_thread::sleep_until(deadline);
    return make_error("--timeout reached while " + what);
  }
  std::this_thread::sleep_until(until);
  return ok_result();
}

std::string substitute_placeholders(std::string text, const std::string& role_value, Duration window)
{
  text = replace_all(std::move(text), "{{ role }}", role_value);
  text = replace_all(std::move(text), "{{role}}", role_value);
  text = replace_all(std::move(text), "{{ window }}", format_duration(window));
  text = replace_all(std::move(text), "{{window}}", format_duration(window));
  return text;
}

Reading builtin_reading(const MetricSpec& metric, const WindowStats& stats, const HttpMetricNames& names)
{
  using Kind = MetricSpec::Kind;
  switch (metric.kind) {
  case Kind::error_rate:
  case Kind::availability: {
    if (!stats.has_requests_metric) return no_data(names.requests_total + " not in the scrape (no request served yet, or check [source] requests_metric)");
    if (!stats.has_status_label) return no_data(names.requests_total + " has none of the labels " + join(names.status_labels) + "; check [source] status_labels");
    auto ratio = error_rate(stats);
    if (!ratio) return no_data("no requests in the window");
    return Reading{metric.kind == Kind::availability ? 1.0 - *ratio : *ratio, {}};
  }
  case Kind::request_rate: {
    auto rate = request_rate(stats);
    if (!rate) return no_data(names.requests_total + " not in the scrape (no request served yet, or check [source] requests_metric)");
    return Reading{*rate, {}};
  }
  case Kind::latency_quantile: {
    if (!stats.has_histogram) return no_data(names.latency_histogram + "_bucket not in the scrape (no request served yet, or check [source] latency_histogram)");
    auto value = latency_quantile(stats, metric.quantile);
    if (!value) return no_data("no observations in the window");
    return Reading{*value, {}};
  }
  case Kind::latency_mean: {
    auto value = latency_mean(stats);
    if (!value) return no_data("no observations in the window");
    return Reading{*value, {}};
  }
  case Kind::query: return no_data("PromQL objectives need --prometheus");
  }
  return no_data("unknown metric");
}

std::unique_ptr<MetricSource> make_prometheus_source(std::string base_url, std::vector<Target> targets, HttpSettings http,
                                                     SloPolicy policy)
{
  return std::make_unique<PrometheusSource>(std::move(base_url), std::move(targets), std::move(http), std::move(policy));
}

std::unique_ptr<MetricSource> make_scrape_source(std::vector<Target> targets, HttpSettings http, SloPolicy policy)
{
  return std::make_unique<ScrapeSource>(std::move(targets), std::move(http), std::move(policy));
}

std::unique_ptr<MetricSource> make_file_source(std::vector<std::string> files, SloPolicy policy)
{
  return std::make_unique<FileSource>(std::move(files), std::move(policy));
}

} // namespace relgate::slo
