#include "release_summary.hpp"

#include "json.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <set>

namespace relgate::audit
{
namespace
{

bool in_env(const EvidenceRecord &record, const std::string &env)
{
  return record.scope.env == env;
}

const EvidenceRecord *newest(const EvidenceFile &file, const std::string &step,
                             const std::function<bool(const EvidenceRecord &)> &match = {})
{
  const EvidenceRecord *found = nullptr;
  for (const auto &record : file.records) {
    if (record.step == step && (!match || match(record)))
      found = &record; // records are in time order (the chain is append-only)
  }
  return found;
}

bool is_drill(const EvidenceRecord &record)
{
  return record.step == "rollback" && record.summary.IsObject() &&
         get_string(record.summary, "mode").value_or("") == "drill";
}

std::string first_reason(const EvidenceRecord &record)
{
  return record.reasons.empty() ? std::string(decision_name(record.decision)) : record.reasons.front();
}

CheckLine check_from(const EvidenceFile &file, const std::string &name, const std::string &step, const std::string &env)
{
  CheckLine line{name, step, "missing", ""};
  const EvidenceRecord *record = step == "promote"
                                     ? newest(file, step, [&](const EvidenceRecord &r) { return in_env(r, env); })
                                     : newest(file, step);
  if (!record) {
    line.detail = "no " + step + " record" + (step == "promote" ? " for " + (env.empty() ? "any env" : env) : "");
    return line;
  }
  switch (record->decision) {
  case Decision::allow:
    line.status = "pass";
    break;
  case Decision::deny:
    line.status = "fail";
    line.detail = first_reason(*record);
    break;
  default:
    line.status = "error";
    line.detail = first_reason(*record);
    break;
  }
  return line;
}

std::optional<double> objective_value(const JsonValue &summary, std::string_view metric)
{
  const JsonValue *objectives = find_member(summary, "objectives");
  if (!objectives || !objectives->IsArray())
    return std::nullopt;
  for (const auto &objective : objectives->GetArray()) {
    if (objective.IsObject() && get_string(objective, "metric").value_or("") == metric)
      return get_number(objective, "value");
  }
  return std::nullopt;
}

// Contract: slo-check's summary carries error_rate / latency_*_seconds where measured; older
// records only have them as objective values.
void read_figures(const EvidenceRecord &record, StageLine &line)
{
  const JsonValue &summary = record.summary;
  if (!summary.IsObject())
    return;
  line.error_rate = get_number(summary, "error_rate");
  if (!line.error_rate)
    line.error_rate = objective_value(summary, "error_rate");
  line.latency_p99_seconds = get_number(summary, "latency_p99_seconds");
  if (!line.latency_p99_seconds)
    line.latency_p99_seconds = objective_value(summary, "p99_latency");
  line.latency_p50_seconds = get_number(summary, "latency_p50_seconds");
  if (!line.latency_p50_seconds)
    line.latency_p50_seconds = objective_value(summary, "p50_latency");
}

std::string choose_env(const EvidenceFile &file)
{
  const EvidenceRecord *latest = nullptr;
  for (const auto &record : file.records) {
    if ((record.step == "promote" || record.step == "slo-check") && record.scope.env == "prod")
      return "prod";
    if (record.step == "promote" && !record.scope.env.empty())
      latest = &record;
  }
  return latest ? latest->scope.env : "";
}

std::string release_id_of(const EvidenceFile &file)
{
  if (!file.release_id.empty())
    return file.release_id;
  std::string id;
  for (const auto &record : file.records) {
    if (record.step == "promote" && record.summary.IsObject()) {
      if (auto value = get_string(record.summary, "release_id"); value && !value->empty())
        id = *value;
    }
  }
  return id;
}

} // namespace

std::string stage_name(int64_t stage)
{
  return (stage >= 100 ? "full_" : "canary_") + std::to_string(stage);
}

std::string format_percent(double fraction)
{
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", fraction * 100);
  return buffer;
}

std::string format_ms(double seconds)
{
  const double ms = seconds * 1000;
  char buffer[32];
  if (ms < 10)
    std::snprintf(buffer, sizeof buffer, "%.1f ms", ms);
  else
    std::snprintf(buffer, sizeof buffer, "%.0f ms", ms);
  return buffer;
}

std::string health_figures(const StageLine &stage)
{
  std::string text;
  auto add = [&](const std::string &part) { text += (text.empty() ? "" : ", ") + part; };
  if (stage.error_rate)
    add("error rate " + format_percent(*stage.error_rate));
  if (stage.latency_p99_seconds)
    add("p99 " + format_ms(*stage.latency_p99_seconds));
  else if (stage.latency_p50_seconds)
    add("p50 " + format_ms(*stage.latency_p50_seconds));
  return text;
}

ReleaseSummary summarize_release(const EvidenceFile &file, const std::string &path, const std::string &env_given)
{
  ReleaseSummary summary;
  summary.evidence = path;
  summary.subject = file.subject.str();
  summary.release_id = release_id_of(file);
  summary.env = env_given.empty() ? choose_env(file) : env_given;
  const std::string &env = summary.env;

  summary.checks.push_back(check_from(file, "artifact_signature", "verify-signature", env));
  summary.checks.push_back(check_from(file, "vulnerability_policy", "scan-gate", env));
  summary.checks.push_back(check_from(file, "admission_policy", "promote", env));

  // Stages: every weight promote put in place plus every stage slo-check judged, in order.
  std::set<int64_t> reached, stages;
  for (const auto &record : file.records) {
    if (!in_env(record, env))
      continue;
    if (record.step == "promote" && record.decision == Decision::allow && record.summary.IsObject()) {
      if (auto weight = get_int64(record.summary, "weight"); weight && *weight > 0) {
        reached.insert(*weight);
        stages.insert(*weight);
      }
    }
    if (record.step == "slo-check" && record.scope.stage && *record.scope.stage > 0)
      stages.insert(*record.scope.stage);
  }
  const EvidenceRecord *denied = nullptr; // the newest DENY of a stage whose newest result is DENY
  std::string denied_stage;
  for (int64_t stage : stages) {
    StageLine line;
    line.stage = stage;
    line.name = stage_name(stage);
    line.reached = reached.count(stage) > 0;
    const EvidenceRecord *health = newest(file, "slo-check", [&](const EvidenceRecord &r) {
      return in_env(r, env) && r.scope.stage && *r.scope.stage == stage;
    });
    if (!health) {
      line.status = line.reached ? "not checked" : "not reached";
    } else {
      read_figures(*health, line);
      switch (health->decision) {
      case Decision::allow:
        line.status = "healthy";
        break;
      case Decision::deny:
        line.status = "unhealthy";
        line.detail = first_reason(*health);
        if (!denied) {
          denied = health;
          denied_stage = line.name;
        }
        break;
      case Decision::inconclusive:
        line.status = "inconclusive";
        line.detail = first_reason(*health);
        break;
      case Decision::error:
        line.status = "error";
        line.detail = first_reason(*health);
        break;
      }
    }
    summary.stages.push_back(std::move(line));
  }

  const EvidenceRecord *rollback = newest(file, "rollback", [&](const EvidenceRecord &r) {
    if (!in_env(r, env) || is_drill(r) || r.decision != Decision::allow || !r.summary.IsObject())
      return false;
    return get_string(r.summary, "rolled_back_digest").value_or("") == file.subject.digest.str() ||
           (!summary.release_id.empty() &&
            get_string(r.summary, "rolled_back_release").value_or("") == summary.release_id);
  });
  const std::string id_text = summary.release_id.empty() ? "(no release id)" : summary.release_id;
  const bool at_full = reached.count(100) > 0;

  if (rollback) {
    summary.outcome = "stopped";
    summary.rolled_back_to = get_string(rollback->summary, "target_release").value_or("");
    if (denied) {
      summary.stopped_at = denied_stage;
      summary.reason = first_reason(*denied);
    } else {
      summary.stopped_at = reached.empty() ? "admission" : stage_name(*reached.rbegin());
      summary.reason = rollback->reasons.empty() ? "rolled back by hand" : rollback->reasons.front();
    }
    summary.result = "release stopped at " + summary.stopped_at + ": " + summary.reason + "; rolled back to " +
                     (summary.rolled_back_to.empty() ? "the previous release" : summary.rolled_back_to);
  } else if (denied) {
    summary.outcome = "stopped";
    summary.stopped_at = denied_stage;
    summary.reason = first_reason(*denied);
    summary.result = "release stopped at " + summary.stopped_at + ": " + summary.reason + "; not rolled back";
  } else if (reached.empty() && std::any_of(summary.checks.begin(), summary.checks.end(), [](const CheckLine &c) {
               return c.status == "fail" || c.status == "error";
             })) {
    const auto failed = std::find_if(summary.checks.begin(), summary.checks.end(),
                                     [](const CheckLine &c) { return c.status == "fail" || c.status == "error"; });
    summary.outcome = "stopped";
    summary.stopped_at = failed->name;
    summary.reason = failed->detail;
    summary.result = "release stopped at " + failed->name + ": " + failed->detail;
  } else if (at_full) {
    const StageLine &full =
        *std::find_if(summary.stages.begin(), summary.stages.end(), [](const StageLine &s) { return s.stage == 100; });
    // Complete means every check passed too: a policy that did not require a check can let a
    // release reach 100% without it, and the summary must not call that release complete.
    const auto unchecked = std::find_if(summary.checks.begin(), summary.checks.end(),
                                        [](const CheckLine &c) { return c.status != "pass"; });
    if (full.status == "healthy" && unchecked == summary.checks.end()) {
      summary.outcome = "complete";
      summary.result = "release complete with audit trail id " + id_text;
    } else if (full.status == "healthy") {
      summary.outcome = "incomplete";
      summary.reason = unchecked->name + " " + unchecked->status;
      summary.result =
          "release at 100% but its " + unchecked->name + " check is " + unchecked->status + " (" + id_text + ")";
    } else {
      summary.outcome = "incomplete";
      summary.reason = full.status == "not checked" ? "no full_100 health check"
                                                    : "full_100 health " + full.status + ": " + full.detail;
      summary.result = full.status == "not checked"
                           ? "release at 100% without a full_100 health check (" + id_text + ")"
                           : "release at 100% but " + summary.reason + " (" + id_text + ")";
    }
  } else if (!reached.empty()) {
    summary.outcome = "in-progress";
    summary.result = "release in progress at " + stage_name(*reached.rbegin()) + " in " + env + " (" + id_text + ")";
  } else {
    summary.outcome = "not-promoted";
    summary.result = "release not promoted" + (env.empty() ? std::string() : " to " + env) + " (" + id_text + ")";
  }
  return summary;
}

std::string terminal_safe(std::string_view text)
{
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const bool c1 = byte == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9f;
    if (byte < 0x20 || byte == 0x7f || c1) {
      const auto shown = c1 ? static_cast<unsigned char>(text[++i]) : byte;
      out += "\\x";
      out += hex[shown >> 4];
      out += hex[shown & 15];
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string render_summary_text(const ReleaseSummary &summary)
{
  // Every line is made safe on its own: a recorded reason cannot add a line of its own.
  std::vector<std::string> lines;
  // "in api/prod": release ids are per application, so the application is part of the name.
  const std::string where = summary.app.empty() || summary.env.empty() ? summary.env : summary.app + "/" + summary.env;
  lines.push_back("release: " + (summary.release_id.empty() ? "(no release id)" : summary.release_id) + " (" +
                  summary.subject + ")" + (where.empty() ? "" : " in " + where));
  lines.push_back("checks:");
  for (const auto &check : summary.checks)
    lines.push_back("  " + check.name + ": " + check.status + (check.detail.empty() ? "" : " (" + check.detail + ")"));
  lines.push_back("rollout:");
  if (summary.stages.empty())
    lines.push_back("  (no rollout stage" + (summary.env.empty() ? std::string() : " in " + summary.env) + ")");
  for (const auto &stage : summary.stages) {
    const std::string figures = health_figures(stage);
    std::string line = "  " + stage.name + ": " + stage.status;
    if (!figures.empty())
      line += " (" + figures + ")";
    if (!stage.detail.empty())
      line += ": " + stage.detail;
    lines.push_back(std::move(line));
  }
  lines.push_back("result: " + summary.result);
  std::string text;
  for (const auto &line : lines)
    text += terminal_safe(line) + "\n";
  return text;
}

} // namespace relgate::audit
