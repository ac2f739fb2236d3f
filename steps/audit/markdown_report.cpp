#include "markdown_writer.hpp"
#include "release_summary.hpp"
#include "report_formats.hpp"
#include "text_join.hpp"

#include <cstdio>

namespace relgate::audit
{
namespace
{

std::string number(double value, const char *format = "%.2f")
{
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

std::string duration_text(std::optional<double> seconds)
{
  if (!seconds)
    return "n/a";
  const double s = *seconds;
  if (s < 1)
    return format_ms(s);
  if (s < 120)
    return number(s, "%.1f s");
  if (s < 7200)
    return number(s / 60, "%.1f min");
  if (s < 172800)
    return number(s / 3600, "%.1f h");
  return number(s / 86400, "%.1f d");
}

std::string optional_ms(const std::optional<double> &ms)
{
  return ms ? number(*ms, "%.0f ms") : "";
}

std::optional<double> phase_ms(const DrillRun &drill, const char *name)
{
  const auto it = drill.phases_ms.find(name);
  return it == drill.phases_ms.end() ? std::nullopt : it->second;
}

std::string ratio_text(std::optional<double> value)
{
  return value ? format_percent(*value) : "n/a";
}

std::string scope_text(const std::string &env, const std::optional<int64_t> &stage)
{
  return env + (stage ? " @" + std::to_string(*stage) + "%" : "");
}

} // namespace

std::string render_markdown(const AuditReport &report)
{
  MarkdownWriter md;
  md.raw("# relgate audit report\n\n");
  md.paragraph("Generated " + report.generated_at + (report.repo.empty() ? "" : " from " + report.repo) + "; " +
               std::to_string(report.evidence.size()) + " evidence file(s), " + std::to_string(report.records.size()) +
               " record(s); production environment: " + report.production_env +
               (report.app_filter.empty() ? "" : "; application: " + report.app_filter) + ".");

  if (!report.releases.empty()) {
    md.raw("## Releases\n\n");
    std::vector<std::vector<std::string>> rows;
    for (const auto &release : report.releases)
      rows.push_back({release.app, release.release_id, release.env, release.outcome, release.result});
    md.table({"App", "Release", "Env", "Outcome", "Result"}, rows);
  }

  if (!report.envs.empty()) {
    md.raw("## Environments\n\n");
    std::vector<std::vector<std::string>> rows;
    for (const auto &env : report.envs) {
      rows.push_back({env.app, env.env, env.stable_release, env.stable_since, env.canary_release,
                      env.canary_weight ? std::to_string(env.canary_weight) + "%" : "", env.updated_at});
    }
    md.table({"App", "Env", "Stable", "Stable since", "Canary", "Canary weight", "Updated"}, rows);
  }

  md.raw("## Timeline\n\n");
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto &event : report.timeline)
      rows.push_back(
          {event.time, event.app, event.env, event.what, event.release_id, event.outcome, event.who, event.why});
    if (rows.empty())
      md.paragraph("No decisions or changes recorded.");
    else
      md.table({"When", "App", "Env", "What", "Release", "Outcome", "Who", "Why"}, rows);
  }

  md.raw("## Violations\n\n");
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto &record : report.records) {
      if (record.decision == Decision::deny)
        rows.push_back({record.time, record.step, record.app, scope_text(record.env, record.stage), record.release_id,
                        join(record.reasons, "\n")});
    }
    if (rows.empty())
      md.paragraph("No DENY decision.");
    else
      md.table({"When", "Gate", "App", "Scope", "Release", "Reasons"}, rows);
  }

  md.raw("## Policies\n\n");
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto &policy : report.policies) {
      rows.push_back({policy.path, std::to_string(policy.version), "sha256:" + policy.sha256, join(policy.steps, ", "),
                      std::to_string(policy.records), policy.first_used, policy.last_used});
    }
    if (rows.empty())
      md.paragraph("No record names a policy.");
    else
      md.table({"Policy", "Version", "SHA-256", "Used by", "Records", "First used", "Last used"}, rows);
  }

  md.raw("## Gate decisions\n\n");
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto &gate : report.gates) {
      rows.push_back({gate.gate, std::to_string(gate.total()), std::to_string(gate.allow), std::to_string(gate.deny),
                      std::to_string(gate.inconclusive), std::to_string(gate.error), ratio_text(gate.deny_ratio)});
    }
    if (rows.empty())
      md.paragraph("No gate decision.");
    else
      md.table({"Gate", "Decisions", "ALLOW", "DENY", "INCONCLUSIVE", "ERROR", "Deny rate"}, rows);
  }

  md.raw("## DORA\n\n");
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto &dora : report.dora) {
      rows.push_back(
          {dora.app, dora.env, std::to_string(dora.deployments),
           number(dora.frequency_per_day, "%.3f") + " (last " + std::to_string(frequency_window_days) + " days)",
           std::to_string(dora.failed), ratio_text(dora.change_failure_ratio), join(dora.failed_releases, ", ")});
    }
    if (!rows.empty())
      md.table({"App", "Env", "Deployments", "Per day", "Failed", "Change failure rate", "Failed releases"}, rows);
    md.table(
        {"Metric (" + report.production_env + ")", "Median", "p90", "Samples", "Measured as"},
        {{"Change lead time", duration_text(report.lead_time_p50), duration_text(report.lead_time_p90),
          std::to_string(report.lead_times.size()),
          "source commit time (evidence) to the first 100% promotion (ledger)"},
         {"Failed deployment recovery time", duration_text(report.recovery_p50), duration_text(report.recovery_p90),
          std::to_string(report.recoveries.size()), "first slo-check DENY of the failure to the rollback (ledger)"}});
  }

  md.raw("## Drills\n\n");
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto &drill : report.drills) {
      rows.push_back({drill.time, drill.app, drill.env, drill.success ? "success" : "failed", drill.failed_phase,
                      optional_ms(phase_ms(drill, "rollback")), optional_ms(phase_ms(drill, "converge")),
                      optional_ms(phase_ms(drill, "post_check")), optional_ms(phase_ms(drill, "roll_forward")),
                      optional_ms(drill.recovery_ms), drill.to_release, drill.reason});
    }
    if (rows.empty()) {
      md.paragraph("No drill recorded (rollback --drill against a live environment records one).");
    } else {
      md.table({"When", "App", "Env", "Result", "Failed phase", "Rollback", "Converge", "Post-check", "Roll forward",
                "Recovery", "Rolled back to", "Notes"},
               rows);
      std::vector<std::string> series;
      for (const auto &drill : report.drills) {
        if (drill.success && drill.recovery_ms)
          series.push_back(number(*drill.recovery_ms / 1000, "%.1f s"));
      }
      if (!series.empty())
        md.paragraph("Recovery time trend: " + join(series, " → ") +
                     (report.drill_trend.empty() ? "" : " (" + report.drill_trend + ")"));
    }
  }

  if (!report.history.empty()) {
    md.raw("## Health history\n\n");
    std::vector<std::vector<std::string>> rows;
    for (const auto &stats : report.history) {
      rows.push_back({stats.env, stats.stage ? std::to_string(*stats.stage) + "%" : "", std::to_string(stats.samples),
                      std::to_string(stats.deny), stats.first_at, stats.last_at, stats.last_decision});
    }
    md.table({"Env", "Stage", "Samples", "DENY", "First", "Last", "Last decision"}, rows);
  }

  md.raw("## Notes\n\n");
  for (const auto &note : report.notes)
    md.bullet(note);
  return md.str();
}

} // namespace relgate::audit
