// The Prometheus source: built-in metrics as PromQL, `query` objectives, burn-rate ratios and
// range samples, all through the HTTP API.
#include "metric_sources.hpp"
#include "text_join.hpp"

#include <cmath>
#include <cstdio>

namespace relgate::slo
{

namespace
{

// The body of a PromQL double-quoted string: run_setup admits only plain role values, and the
// role is escaped as well, so a policy's {{ role }} inside "..." stays one label value.
std::string promql_string_body(const std::string &value)
{
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string fixed_quantile(double q)
{
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", q);
  return buffer;
}

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

  Result<Measurement> measure(const std::vector<Objective> &objectives, Clock::time_point deadline) override
  {
    Measurement measurement;
    measurement.window_seconds = std::chrono::duration<double>(m_policy.window).count();
    for (const auto &target : m_targets) {
      std::optional<RequestTotals> totals; // one query serves error_rate, availability, request_rate
      auto &readings = measurement.readings[target.role];
      for (const auto &objective : objectives) {
        const auto &metric = objective.metric;
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
        for (const auto &warning : result.warnings)
          measurement.warnings.push_back("prometheus warning: " + warning);
        auto value = single_value(result, promql);
        if (!value)
          return make_error(objective.name + ": " + value.message());
        if (!*value) {
          readings.push_back(
              no_data_reading(result.series.empty() ? "query returned no series" : "query returned NaN"));
        } else {
          readings.push_back(Reading{**value, {}});
        }
      }
    }
    return measurement;
  }

  Result<std::optional<double>> error_ratio(const Target &target, Duration window, Clock::time_point deadline) override
  {
    std::vector<std::string> warnings;
    RELGATE_ASSIGN_OR_RETURN(auto totals, request_totals(target, window, deadline, warnings));
    if (!totals.has_status_label || totals.requests <= 0)
      return std::optional<double>();
    return std::optional<double>(totals.errors / totals.requests);
  }

  Result<std::optional<std::vector<double>>> range_samples(const Objective &objective, const Target &target,
                                                           Duration range, Duration step,
                                                           Clock::time_point deadline) override
  {
    using Kind = MetricSpec::Kind;
    const auto &metric = objective.metric;
    const double end = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const double start = end - std::chrono::duration<double>(range).count();
    PrometheusEndpoint endpoint = m_endpoint;
    endpoint.request_timeout = attempt_timeout(m_http, deadline);
    std::vector<double> samples;
    if (metric.kind == Kind::error_rate || metric.kind == Kind::availability || metric.kind == Kind::request_rate) {
      // Per timestamp, the same client-side sum as for an instant measurement.
      RELGATE_ASSIGN_OR_RETURN(
          auto result, prometheus_query_range(endpoint, requests_promql(target, m_policy.window), start, end, step));
      std::map<double, RequestTotals> by_time;
      for (const auto &series : result.series) {
        for (const auto &[time, value] : series.points) {
          auto added = add_to_totals(by_time[time], series.metric, value);
          if (!added)
            return make_error(objective.name + ": range query '" + requests_promql(target, m_policy.window) +
                              "': " + added.message());
        }
      }
      // Each series is checked against the points asked for (prometheus_query_range); series at
      // different timestamps must not add up to more samples either.
      const double asked = std::floor(std::chrono::duration<double>(range) / std::chrono::duration<double>(step)) + 1;
      if (static_cast<double>(by_time.size()) > asked + 1) {
        return make_error(objective.name + ": range query '" + requests_promql(target, m_policy.window) +
                          "' answered " + std::to_string(by_time.size()) + " timestamps; asked for at most " +
                          std::to_string(static_cast<int64_t>(asked)) + ": refused");
      }
      for (const auto &[time, totals] : by_time) {
        (void)time;
        Reading reading = reading_from_totals(metric, totals, m_policy.window);
        if (reading.value)
          samples.push_back(*reading.value);
      }
      return std::optional<std::vector<double>>(std::move(samples));
    }
    const std::string promql = single_series_promql(metric, target);
    RELGATE_ASSIGN_OR_RETURN(auto result, prometheus_query_range(endpoint, promql, start, end, step));
    if (result.series.size() > 1) {
      return make_error(objective.name + ": range query '" + promql + "' returned " +
                        std::to_string(result.series.size()) + " series; aggregate it to one");
    }
    for (const auto &series : result.series) {
      for (const auto &point : series.points) {
        if (std::isnan(point.second))
          continue; // no data at this step
        if (!std::isfinite(point.second) || (metric.kind != Kind::query && point.second < 0)) {
          return make_error(objective.name + ": range query '" + promql + "' answered " +
                            prometheus_value_text(point.second) + " (bad data; not compared)");
        }
        samples.push_back(point.second);
      }
    }
    return std::optional<std::vector<double>>(std::move(samples));
  }

private:
  struct RequestTotals {
    double requests = 0;
    double errors = 0;
    bool any_series = false;
    bool has_status_label = false;
  };

  std::string selector(const Target &target) const
  {
    std::string text =
        substitute_placeholders(m_policy.prometheus_selector, promql_string_body(target.role_value), m_policy.window);
    return text.empty() ? "" : "{" + text + "}";
  }

  // PromQL that answers one series for the latency metrics and `query` objectives.
  std::string single_series_promql(const MetricSpec &metric, const Target &target) const
  {
    std::string promql;
    if (metric.kind == MetricSpec::Kind::latency_quantile) {
      promql = "histogram_quantile(" + fixed_quantile(metric.quantile) + ", sum by (le) (rate(" +
               m_policy.names.latency_histogram + "_bucket" + selector(target) + "[{{ window }}])))";
    } else if (metric.kind == MetricSpec::Kind::latency_mean) {
      const std::string h = m_policy.names.latency_histogram;
      promql = "sum(rate(" + h + "_sum" + selector(target) + "[{{ window }}])) / sum(rate(" + h + "_count" +
               selector(target) + "[{{ window }}]))";
    } else {
      promql = metric.query;
    }
    return substitute_placeholders(promql, promql_string_body(target.role_value), m_policy.window);
  }

  // Summed by every candidate status label: the client then picks the one each series has.
  std::string requests_promql(const Target &target, Duration window) const
  {
    return "sum by (" + join(m_policy.names.status_labels, ", ") + ") (increase(" + m_policy.names.requests_total +
           selector(target) + "[" + format_duration(window) + "]))";
  }

  // One series of the increase() answer. Prometheus answers NaN, +-Inf or a negative increase
  // only for bad samples (a counter exported as NaN, +Inf or below zero): refused, never
  // skipped or summed (one +Inf request count made a 50% error rate read as 0%).
  Result<void> add_to_totals(RequestTotals &totals, const Labels &metric, double value) const
  {
    if (!std::isfinite(value) || value < 0) {
      return make_error("increase(" + series_key(m_policy.names.requests_total, metric) +
                        ") = " + prometheus_value_text(value) +
                        ": a counter's increase is never NaN, +Inf, -Inf or negative (bad data in Prometheus)");
    }
    totals.any_series = true;
    totals.requests += value;
    for (const auto &label : m_policy.names.status_labels) {
      auto status = label_value(metric, label);
      if (!status)
        continue;
      totals.has_status_label = true;
      if (status->rfind(m_policy.names.error_status_prefix, 0) == 0)
        totals.errors += value;
      break;
    }
    if (!std::isfinite(totals.requests))
      return make_error("increase(" + m_policy.names.requests_total + ") adds up past the largest number (bad data)");
    return ok_result();
  }

  Result<PromQueryResult> query(const std::string &promql, Clock::time_point deadline)
  {
    PrometheusEndpoint endpoint = m_endpoint;
    endpoint.request_timeout = attempt_timeout(m_http, deadline);
    if (Clock::now() >= deadline)
      return make_error("--timeout reached before querying Prometheus");
    return prometheus_query(endpoint, promql);
  }

  Result<RequestTotals> request_totals(const Target &target, Duration window, Clock::time_point deadline,
                                       std::vector<std::string> &warnings)
  {
    const std::string promql = requests_promql(target, window);
    RELGATE_ASSIGN_OR_RETURN(auto result, query(promql, deadline));
    for (const auto &warning : result.warnings)
      warnings.push_back("prometheus warning: " + warning);
    if (result.result_type != "vector")
      return make_error("query '" + promql + "' returned a " + result.result_type + ", expected a vector");
    RequestTotals totals;
    for (const auto &series : result.series) {
      if (!series.points.empty()) {
        auto added = add_to_totals(totals, series.metric, series.points.back().second);
        if (!added)
          return make_error("query '" + promql + "': " + added.message());
      }
    }
    return totals;
  }

  Reading reading_from_totals(const MetricSpec &metric, const RequestTotals &totals, Duration window) const
  {
    if (!totals.any_series)
      return no_data_reading(m_policy.names.requests_total + ": no series in the window");
    if (metric.kind == MetricSpec::Kind::request_rate) {
      return Reading{totals.requests / std::chrono::duration<double>(window).count(), {}};
    }
    if (!totals.has_status_label)
      return no_data_reading(m_policy.names.requests_total + " has none of the status labels");
    if (totals.requests <= 0)
      return no_data_reading("no requests in the window");
    const double ratio = totals.errors / totals.requests;
    return Reading{metric.kind == MetricSpec::Kind::availability ? 1.0 - ratio : ratio, {}};
  }

  std::vector<Target> m_targets;
  HttpSettings m_http;
  SloPolicy m_policy;
  PrometheusEndpoint m_endpoint;
};

} // namespace

std::unique_ptr<MetricSource> make_prometheus_source(std::string base_url, std::vector<Target> targets,
                                                     HttpSettings http, SloPolicy policy)
{
  return std::make_unique<PrometheusSource>(std::move(base_url), std::move(targets), std::move(http),
                                            std::move(policy));
}

} // namespace relgate::slo
