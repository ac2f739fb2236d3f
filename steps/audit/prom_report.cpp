#include "metric_math.hpp"
#include "prom_writer.hpp"
#include "report_formats.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <map>

namespace relgate::audit
{
namespace
{

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();

double or_nan(const std::optional<double> &value)
{
  return value ? *value : nan_value;
}

// A summary family from raw values: the given quantiles, _sum and _count.
Result<void> summary_family(PromWriter &prom, const std::string &name, std::string_view help,
                            const std::vector<std::pair<std::string, const std::vector<double> *>> &series,
                            const std::string &label_name, const std::vector<double> &quantiles)
{
  RELGATE_TRY(prom.family(name, "summary", help));
  for (const auto &[label, values] : series) {
    PromLabels base;
    if (!label_name.empty() && !label.empty())
      base.push_back({label_name, label});
    double sum = 0;
    for (double value : *values)
      sum += value;
    for (double q : quantiles) {
      PromLabels labels = base;
      labels.push_back({"quantile", format_prom_number(q)});
      RELGATE_TRY(prom.sample(name, labels, or_nan(quantile(*values, q))));
    }
    RELGATE_TRY(prom.sample(name + "_sum", base, sum));
    RELGATE_TRY(prom.sample(name + "_count", base, static_cast<double>(values->size())));
  }
  return ok_result();
}

// {app, ...rest}; no app label for the single-application layout (app "").
PromLabels with_app(const std::string &app, PromLabels rest)
{
  if (!app.empty())
    rest.insert(rest.begin(), {"app", app});
  return rest;
}

} // namespace

Result<std::string> render_prom(const AuditReport &report)
{
  PromWriter prom;
  RELGATE_TRY(prom.family("relgate_audit_timestamp_seconds", "gauge",
                          "When this audit was generated (Unix time): alert on a stale file."));
  auto parsed = parse_rfc3339(report.generated_at);
  RELGATE_TRY(prom.sample("relgate_audit_timestamp_seconds", {},
                          parsed ? std::chrono::duration<double>(parsed->time_since_epoch()).count() : nan_value));

  RELGATE_TRY(prom.family("relgate_gate_decisions_total", "counter",
                          "Decisions recorded in the evidence, per gate (step) and outcome."));
  for (const auto &gate : report.gates) {
    const std::pair<const char *, std::size_t> outcomes[] = {
        {"allow", gate.allow}, {"deny", gate.deny}, {"inconclusive", gate.inconclusive}, {"error", gate.error}};
    for (const auto &[outcome, count] : outcomes)
      RELGATE_TRY(prom.sample("relgate_gate_decisions_total", {{"gate", gate.gate}, {"outcome", outcome}},
                              static_cast<double>(count)));
  }
  RELGATE_TRY(prom.family("relgate_gate_deny_ratio", "gauge", "DENY decisions / all decisions, per gate."));
  for (const auto &gate : report.gates)
    RELGATE_TRY(prom.sample("relgate_gate_deny_ratio", {{"gate", gate.gate}}, or_nan(gate.deny_ratio)));
  {
    std::vector<std::pair<std::string, const std::vector<double> *>> series;
    for (const auto &gate : report.gates)
      series.emplace_back(gate.gate, &gate.durations_seconds);
    RELGATE_TRY(summary_family(prom, "relgate_gate_duration_seconds",
                               "How long a gate took to decide (record duration_ms), per gate.", series, "gate",
                               {0.5, 0.99}));
  }

  RELGATE_TRY(prom.family("relgate_deployments_total", "counter",
                          "Releases promoted into an environment (each release once, at its first stage)."));
  for (const auto &dora : report.dora)
    RELGATE_TRY(prom.sample("relgate_deployments_total", with_app(dora.app, {{"env", dora.env}}),
                            static_cast<double>(dora.deployments)));
  RELGATE_TRY(prom.family("relgate_deployment_frequency_per_day", "gauge",
                          "Releases first promoted into an environment in the last 30 days, per day."));
  for (const auto &dora : report.dora)
    RELGATE_TRY(prom.sample("relgate_deployment_frequency_per_day", with_app(dora.app, {{"env", dora.env}}),
                            dora.frequency_per_day));
  RELGATE_TRY(prom.family("relgate_change_failure_ratio", "gauge",
                          "Releases of an environment later rolled back or rejected / releases promoted into it."));
  for (const auto &dora : report.dora)
    RELGATE_TRY(prom.sample("relgate_change_failure_ratio", with_app(dora.app, {{"env", dora.env}}),
                            or_nan(dora.change_failure_ratio)));

  // One series per application (app="" is the single-application layout, the same as no label).
  std::map<std::string, std::vector<double>> leads, recoveries;
  for (const auto &app : report.apps) {
    leads[app];
    recoveries[app];
  }
  if (report.apps.empty()) {
    leads[""];
    recoveries[""];
  }
  for (const auto &lead : report.lead_times)
    leads[lead.app].push_back(lead.seconds);
  for (const auto &recovery : report.recoveries)
    recoveries[recovery.app].push_back(recovery.seconds);
  auto series_of = [](const std::map<std::string, std::vector<double>> &by_app) {
    std::vector<std::pair<std::string, const std::vector<double> *>> series;
    for (const auto &[app, values] : by_app)
      series.emplace_back(app, &values);
    return series;
  };
  RELGATE_TRY(summary_family(prom, "relgate_lead_time_seconds",
                             "Change lead time in the production environment, per application: source commit to "
                             "first 100% promotion.",
                             series_of(leads), "app", {0.5, 0.9}));
  RELGATE_TRY(summary_family(prom, "relgate_failed_deployment_recovery_seconds",
                             "Failed deployment recovery time in the production environment, per application: first "
                             "slo-check DENY to the rollback.",
                             series_of(recoveries), "app", {0.5, 0.9}));

  RELGATE_TRY(prom.family("relgate_drills_total", "counter", "Rollback drills recorded, per application and result."));
  std::map<std::string, std::pair<std::size_t, std::size_t>> drill_counts; // app -> (passed, failed)
  for (const auto &app : report.apps)
    drill_counts[app];
  if (report.apps.empty())
    drill_counts[""];
  for (const auto &drill : report.drills)
    (drill.success ? drill_counts[drill.app].first : drill_counts[drill.app].second) += 1;
  for (const auto &[app, counts] : drill_counts) {
    RELGATE_TRY(
        prom.sample("relgate_drills_total", with_app(app, {{"result", "success"}}), static_cast<double>(counts.first)));
    RELGATE_TRY(
        prom.sample("relgate_drills_total", with_app(app, {{"result", "failed"}}), static_cast<double>(counts.second)));
  }
  RELGATE_TRY(prom.family("relgate_drill_recovery_seconds", "gauge",
                          "Recovery time (rollback + converge + post-check) of the newest drill, per application "
                          "and environment."));
  std::map<std::pair<std::string, std::string>, double> last_recovery; // (app, env)
  for (const auto &drill : report.drills) {
    if (drill.recovery_ms)
      last_recovery[{drill.app, drill.env}] = *drill.recovery_ms / 1000.0;
  }
  for (const auto &[where, seconds] : last_recovery)
    RELGATE_TRY(prom.sample("relgate_drill_recovery_seconds", with_app(where.first, {{"env", where.second}}), seconds));

  if (!report.history.empty()) {
    RELGATE_TRY(prom.family("relgate_health_samples_total", "counter",
                            "slo-check --watch samples in the history files, per environment and decision."));
    std::map<std::pair<std::string, std::string>, double> counts;
    for (const auto &stats : report.history) {
      counts[{stats.env, "allow"}] += static_cast<double>(stats.allow);
      counts[{stats.env, "deny"}] += static_cast<double>(stats.deny);
      counts[{stats.env, "other"}] += static_cast<double>(stats.other);
    }
    for (const auto &[key, count] : counts)
      RELGATE_TRY(prom.sample("relgate_health_samples_total", {{"env", key.first}, {"decision", key.second}}, count));
  }
  return prom.str();
}

} // namespace relgate::audit
