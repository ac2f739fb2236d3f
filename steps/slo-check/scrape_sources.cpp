// Scrape sources: a /metrics endpoint scraped a window apart, and saved scrapes.
#include "metric_sources.hpp"

#include "file_io.hpp"
#include "http_client.hpp"
#include "text_join.hpp"

#include <map>

namespace relgate::slo
{

namespace
{

void note_resets(const std::string &role, const WindowStats &stats, Measurement &measurement)
{
  if (stats.counter_resets == 0)
    return;
  std::string series = join(stats.reset_series, ", ");
  if (static_cast<std::size_t>(stats.counter_resets) > stats.reset_series.size())
    series += ", ...";
  measurement.warnings.push_back(role + ": " + std::to_string(stats.counter_resets) +
                                 " counter reset(s) between the scrapes (the service restarted?): counted from zero");
  // Counted from zero, a reset can still DENY; but a decreased or vanished series may have hidden
  // errors, so it never vouches for an ALLOW.
  measurement.doubts.push_back(role + ": counters went down or vanished between the scrapes (" + series +
                               "): a restart or bad data; the window cannot vouch for an ALLOW");
}

// Keeps of a scrape only what the figures and the gauge objectives read.
ExpositionFilter scrape_filter(const HttpMetricNames &names, const std::vector<Objective> &objectives)
{
  ExpositionFilter filter;
  filter.names.emplace();
  for (auto &name : window_sample_names(names))
    filter.names->insert(std::move(name));
  for (const auto &objective : objectives) {
    if (objective.metric.kind == MetricSpec::Kind::gauge)
      filter.names->insert(objective.metric.gauge_name);
  }
  return filter;
}

Result<Exposition> scrape(const Target &target, const HttpSettings &http, const ExpositionFilter &filter,
                          Clock::time_point deadline)
{
  HttpRequest request;
  request.url = target.url;
  request.headers.push_back(
      "Accept: text/plain;version=0.0.4;q=1.0,application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.1");
  request.bearer_token_env = http.bearer_token_env;
  request.basic_auth_env = http.basic_auth_env;
  request.ca_cert_path = http.ca_cert_path;
  request.ca_cert_option = "--cacert"; // slo-check's flag, named in a TLS error
  request.timeout = attempt_timeout(http, deadline);
  request.max_attempts = http.max_attempts;
  const std::string where = target.role + " " + redact_url(target.url);
  auto response = http_get(request);
  if (!response)
    return make_error(where + ": unreachable: " + response.message());
  if (response->status != 200) {
    const bool denied = response->status == 401 || response->status == 403;
    return make_error(where + ": HTTP " + std::to_string(response->status) + " after " +
                      std::to_string(response->attempts) + " attempt(s): '" + body_excerpt(response->body) + "'" +
                      (denied ? " (check --bearer-token-env / --basic-auth-env)" : ""));
  }
  auto parsed = parse_exposition(response->body, where, filter);
  if (!parsed)
    return make_error(parsed.message() + " (is this a Prometheus /metrics endpoint?)");
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

  Result<Measurement> measure(const std::vector<Objective> &objectives, Clock::time_point deadline) override
  {
    // Scrapes chain: the end of one measurement is the start of the next when it is recent
    // enough (interval <= window), which halves the scrapes of a long plan.
    const ExpositionFilter filter = scrape_filter(m_policy.names, objectives);
    const auto now = Clock::now();
    const bool reuse = !m_previous.empty() && now - m_previous_time <= m_policy.window + std::chrono::seconds(1);
    std::map<std::string, Exposition> start;
    Clock::time_point start_time = now;
    if (reuse) {
      start = m_previous;
      start_time = m_previous_time;
    } else {
      for (const auto &target : m_targets) {
        RELGATE_ASSIGN_OR_RETURN(start[target.role], scrape(target, m_http, filter, deadline));
      }
      start_time = Clock::now();
    }
    RELGATE_TRY(sleep_until_or_deadline(start_time + m_policy.window, deadline,
                                        "waiting --window " + format_duration(m_policy.window) + " between scrapes"));
    std::map<std::string, Exposition> end;
    for (const auto &target : m_targets) {
      RELGATE_ASSIGN_OR_RETURN(end[target.role], scrape(target, m_http, filter, deadline));
    }
    const auto end_time = Clock::now();
    Measurement measurement;
    measurement.window_seconds = std::chrono::duration<double>(end_time - start_time).count();
    for (const auto &target : m_targets) {
      const std::string where = target.role + " " + redact_url(target.url);
      RELGATE_ASSIGN_OR_RETURN(WindowStats stats,
                               compute_window_stats(start[target.role], end[target.role], m_policy.names,
                                                    measurement.window_seconds, where + " (start scrape)",
                                                    where + " (end scrape)"));
      auto &readings = measurement.readings[target.role];
      for (const auto &objective : objectives) {
        if (objective.metric.kind == MetricSpec::Kind::gauge) {
          RELGATE_ASSIGN_OR_RETURN(auto reading, gauge_reading(objective.metric, end[target.role], where));
          readings.push_back(std::move(reading));
        } else {
          readings.push_back(builtin_reading(objective.metric, stats, m_policy.names));
        }
      }
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

// Saved scrapes per role: one file is judged against zero, two give the delta between them.
class FileSource : public MetricSource
{
public:
  FileSource(std::map<std::string, std::vector<std::string>> files_by_role, SloPolicy policy)
      : m_files(std::move(files_by_role)), m_policy(std::move(policy))
  {
  }
  std::string kind() const override { return "metrics-file"; }

  Result<Measurement> measure(const std::vector<Objective> &objectives, Clock::time_point) override
  {
    Measurement measurement;
    const ExpositionFilter filter = scrape_filter(m_policy.names, objectives);
    const double window = std::chrono::duration<double>(m_policy.window).count();
    for (const auto &[role, files] : m_files) {
      Exposition before;
      if (files.size() == 2) {
        RELGATE_ASSIGN_OR_RETURN(auto text, read_file(files[0]));
        RELGATE_ASSIGN_OR_RETURN(before, parse_exposition(text, files[0], filter));
      }
      RELGATE_ASSIGN_OR_RETURN(auto text, read_file(files.back()));
      RELGATE_ASSIGN_OR_RETURN(auto after, parse_exposition(text, files.back(), filter));
      RELGATE_ASSIGN_OR_RETURN(WindowStats stats,
                               compute_window_stats(before, after, m_policy.names, window,
                                                    files.size() == 2 ? files[0] : "(zero)", files.back()));
      measurement.window_seconds = stats.window_seconds;
      auto &readings = measurement.readings[role];
      for (const auto &objective : objectives) {
        if (objective.metric.kind == MetricSpec::Kind::gauge) {
          RELGATE_ASSIGN_OR_RETURN(auto reading, gauge_reading(objective.metric, after, files.back()));
          readings.push_back(std::move(reading));
        } else {
          readings.push_back(builtin_reading(objective.metric, stats, m_policy.names));
        }
      }
      note_resets(role, stats, measurement);
      measurement.stats[role] = stats;
    }
    return measurement;
  }

private:
  std::map<std::string, std::vector<std::string>> m_files;
  SloPolicy m_policy;
};

} // namespace

std::unique_ptr<MetricSource> make_scrape_source(std::vector<Target> targets, HttpSettings http, SloPolicy policy)
{
  return std::make_unique<ScrapeSource>(std::move(targets), std::move(http), std::move(policy));
}

std::unique_ptr<MetricSource> make_file_source(std::map<std::string, std::vector<std::string>> files_by_role,
                                               SloPolicy policy)
{
  return std::make_unique<FileSource>(std::move(files_by_role), std::move(policy));
}

} // namespace relgate::slo
