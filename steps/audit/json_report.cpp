#include "report_formats.hpp"

namespace relgate::audit
{
namespace
{

class Builder
{
public:
  explicit Builder(JsonAllocator &allocator) : m_alloc(allocator) {}
  JsonValue object() { return JsonValue(rapidjson::kObjectType); }
  JsonValue array() { return JsonValue(rapidjson::kArrayType); }
  JsonValue text(std::string_view value) { return json_string(value, m_alloc); }
  JsonValue text_or_null(std::string_view value) { return value.empty() ? JsonValue() : text(value); }
  JsonValue number(double value) { return JsonValue(value); }
  JsonValue count(std::size_t value) { return JsonValue(static_cast<uint64_t>(value)); }
  JsonValue number_or_null(const std::optional<double> &value) { return value ? JsonValue(*value) : JsonValue(); }
  JsonValue integer_or_null(const std::optional<int64_t> &value)
  {
    return value ? JsonValue(static_cast<int64_t>(*value)) : JsonValue();
  }
  JsonValue strings(const std::vector<std::string> &items) { return json_string_array(items, m_alloc); }
  void set(JsonValue &object, std::string_view key, JsonValue value)
  {
    set_member(object, key, std::move(value), m_alloc);
  }
  void push(JsonValue &array, JsonValue value) { array.PushBack(std::move(value), m_alloc); }

private:
  JsonAllocator &m_alloc;
};

JsonValue release_json(Builder &b, const ReleaseSummary &release)
{
  JsonValue out = b.object();
  b.set(out, "evidence", b.text(release.evidence));
  b.set(out, "release_id", b.text_or_null(release.release_id));
  b.set(out, "subject", b.text(release.subject));
  b.set(out, "app", b.text_or_null(release.app));
  b.set(out, "env", b.text_or_null(release.env));
  JsonValue checks = b.array();
  for (const auto &check : release.checks) {
    JsonValue item = b.object();
    b.set(item, "name", b.text(check.name));
    b.set(item, "step", b.text(check.step));
    b.set(item, "status", b.text(check.status));
    b.set(item, "detail", b.text(check.detail));
    b.push(checks, std::move(item));
  }
  b.set(out, "checks", std::move(checks));
  JsonValue stages = b.array();
  for (const auto &stage : release.stages) {
    JsonValue item = b.object();
    b.set(item, "name", b.text(stage.name));
    b.set(item, "stage", JsonValue(static_cast<int64_t>(stage.stage)));
    b.set(item, "reached", JsonValue(stage.reached));
    b.set(item, "status", b.text(stage.status));
    b.set(item, "detail", b.text(stage.detail));
    b.set(item, "error_rate", b.number_or_null(stage.error_rate));
    b.set(item, "latency_p50_seconds", b.number_or_null(stage.latency_p50_seconds));
    b.set(item, "latency_p99_seconds", b.number_or_null(stage.latency_p99_seconds));
    b.push(stages, std::move(item));
  }
  b.set(out, "stages", std::move(stages));
  b.set(out, "outcome", b.text(release.outcome));
  b.set(out, "stopped_at", b.text_or_null(release.stopped_at));
  b.set(out, "reason", b.text_or_null(release.reason));
  b.set(out, "rolled_back_to", b.text_or_null(release.rolled_back_to));
  b.set(out, "result", b.text(release.result));
  return out;
}

} // namespace

JsonDocument report_to_json(const AuditReport &report)
{
  JsonDocument doc(rapidjson::kObjectType);
  Builder b(doc.GetAllocator());
  b.set(doc, "schema", b.text(audit_json_schema));
  b.set(doc, "step", b.text("audit"));
  b.set(doc, "generated_at", b.text(report.generated_at));
  b.set(doc, "repo", b.text_or_null(report.repo));
  b.set(doc, "production_env", b.text(report.production_env));
  b.set(doc, "app_filter", b.text_or_null(report.app_filter));
  JsonValue apps = b.array();
  for (const auto &app : report.apps)
    b.push(apps, b.text_or_null(app)); // null: the single-application layout (relgate/<env>/)
  b.set(doc, "apps", std::move(apps));

  JsonValue inputs = b.object();
  JsonValue evidence = b.array();
  for (const auto &file : report.evidence) {
    JsonValue item = b.object();
    b.set(item, "path", b.text(file.path));
    b.set(item, "sha256", b.text(file.sha256));
    b.set(item, "subject", b.text(file.subject));
    b.set(item, "app", b.text_or_null(file.app));
    b.set(item, "release_id", b.text_or_null(file.release_id));
    b.set(item, "records", b.count(file.records));
    b.set(item, "signed_records", b.count(file.signed_records));
    b.set(item, "signatures_checked", JsonValue(file.signatures_checked));
    b.set(item, "source_commit_time", b.text_or_null(file.source_commit_time));
    b.push(evidence, std::move(item));
  }
  b.set(inputs, "evidence", std::move(evidence));
  b.set(inputs, "history", b.strings(report.history_files));
  b.set(doc, "inputs", std::move(inputs));

  JsonValue releases = b.array();
  for (const auto &release : report.releases)
    b.push(releases, release_json(b, release));
  b.set(doc, "releases", std::move(releases));

  JsonValue envs = b.array();
  for (const auto &env : report.envs) {
    JsonValue item = b.object();
    b.set(item, "app", b.text_or_null(env.app));
    b.set(item, "env", b.text(env.env));
    b.set(item, "image", b.text_or_null(env.image));
    JsonValue stable = b.object();
    b.set(stable, "release_id", b.text_or_null(env.stable_release));
    b.set(stable, "digest", b.text_or_null(env.stable_digest));
    b.set(stable, "since", b.text_or_null(env.stable_since));
    b.set(item, "stable", env.stable_digest.empty() ? JsonValue() : std::move(stable));
    JsonValue canary = b.object();
    b.set(canary, "release_id", b.text_or_null(env.canary_release));
    b.set(canary, "digest", b.text_or_null(env.canary_digest));
    b.set(canary, "weight", JsonValue(static_cast<int64_t>(env.canary_weight)));
    b.set(item, "canary", env.canary_digest.empty() ? JsonValue() : std::move(canary));
    b.set(item, "updated_at", b.text_or_null(env.updated_at));
    b.set(item, "ledger_entries", b.count(env.ledger_entries));
    b.push(envs, std::move(item));
  }
  b.set(doc, "environments", std::move(envs));

  JsonValue timeline = b.array();
  for (const auto &event : report.timeline) {
    JsonValue item = b.object();
    b.set(item, "time", b.text(event.time));
    b.set(item, "kind", b.text(event.kind));
    b.set(item, "app", b.text_or_null(event.app));
    b.set(item, "env", b.text_or_null(event.env));
    b.set(item, "what", b.text(event.what));
    b.set(item, "release_id", b.text_or_null(event.release_id));
    b.set(item, "outcome", b.text(event.outcome));
    b.set(item, "who", b.text_or_null(event.who));
    b.set(item, "why", b.text(event.why));
    b.push(timeline, std::move(item));
  }
  b.set(doc, "timeline", std::move(timeline));

  JsonValue decisions = b.array();
  for (const auto &record : report.records) {
    JsonValue item = b.object();
    b.set(item, "time", b.text(record.time));
    b.set(item, "gate", b.text(record.step));
    b.set(item, "decision", b.text(decision_name(record.decision)));
    b.set(item, "app", b.text_or_null(record.app));
    b.set(item, "env", b.text_or_null(record.env));
    b.set(item, "stage", b.integer_or_null(record.stage));
    b.set(item, "release_id", b.text_or_null(record.release_id));
    b.set(item, "subject", b.text(record.subject));
    b.set(item, "reasons", b.strings(record.reasons));
    b.set(item, "duration_seconds", b.number(record.duration_seconds));
    b.set(item, "who", b.text_or_null(record.who));
    b.set(item, "drill", JsonValue(record.drill));
    b.set(item, "evidence", b.text(record.evidence));
    b.push(decisions, std::move(item));
  }
  b.set(doc, "decisions", std::move(decisions));

  JsonValue violations = b.array();
  for (std::size_t i = 0; i < report.records.size(); ++i) {
    if (report.records[i].decision == Decision::deny)
      b.push(violations, JsonValue(static_cast<uint64_t>(i)));
  }
  b.set(doc, "violations", std::move(violations)); // indexes into decisions

  JsonValue policies = b.array();
  for (const auto &policy : report.policies) {
    JsonValue item = b.object();
    b.set(item, "path", b.text(policy.path));
    b.set(item, "sha256", b.text(policy.sha256));
    b.set(item, "version", JsonValue(static_cast<int64_t>(policy.version)));
    b.set(item, "steps", b.strings(policy.steps));
    b.set(item, "records", b.count(policy.records));
    b.set(item, "first_used", b.text(policy.first_used));
    b.set(item, "last_used", b.text(policy.last_used));
    b.push(policies, std::move(item));
  }
  b.set(doc, "policies", std::move(policies));

  JsonValue gates = b.array();
  for (const auto &gate : report.gates) {
    JsonValue item = b.object();
    b.set(item, "gate", b.text(gate.gate));
    b.set(item, "decisions", b.count(gate.total()));
    b.set(item, "allow", b.count(gate.allow));
    b.set(item, "deny", b.count(gate.deny));
    b.set(item, "inconclusive", b.count(gate.inconclusive));
    b.set(item, "error", b.count(gate.error));
    b.set(item, "deny_ratio", b.number_or_null(gate.deny_ratio));
    b.set(item, "duration_p50_seconds", b.number_or_null(gate.p50_seconds));
    b.set(item, "duration_p99_seconds", b.number_or_null(gate.p99_seconds));
    b.set(item, "duration_sum_seconds", b.number(gate.duration_sum_seconds));
    b.push(gates, std::move(item));
  }
  b.set(doc, "gates", std::move(gates));

  JsonValue dora = b.object();
  JsonValue per_env = b.array();
  for (const auto &env : report.dora) {
    JsonValue item = b.object();
    b.set(item, "app", b.text_or_null(env.app));
    b.set(item, "env", b.text(env.env));
    b.set(item, "deployments", b.count(env.deployments));
    b.set(item, "deployments_in_window", b.count(env.deployments_in_window));
    b.set(item, "window_days", JsonValue(frequency_window_days));
    b.set(item, "deployment_frequency_per_day", b.number(env.frequency_per_day));
    b.set(item, "failed", b.count(env.failed));
    b.set(item, "change_failure_ratio", b.number_or_null(env.change_failure_ratio));
    b.set(item, "failed_releases", b.strings(env.failed_releases));
    b.push(per_env, std::move(item));
  }
  b.set(dora, "environments", std::move(per_env));
  JsonValue lead = b.object();
  b.set(lead, "env", b.text(report.production_env));
  b.set(lead, "p50_seconds", b.number_or_null(report.lead_time_p50));
  b.set(lead, "p90_seconds", b.number_or_null(report.lead_time_p90));
  JsonValue lead_items = b.array();
  for (const auto &item : report.lead_times) {
    JsonValue value = b.object();
    b.set(value, "app", b.text_or_null(item.app));
    b.set(value, "release_id", b.text(item.release_id));
    b.set(value, "commit_time", b.text(item.commit_time));
    b.set(value, "deployed_at", b.text(item.deployed_at));
    b.set(value, "seconds", b.number(item.seconds));
    b.push(lead_items, std::move(value));
  }
  b.set(lead, "releases", std::move(lead_items));
  b.set(dora, "lead_time", std::move(lead));
  JsonValue recovery = b.object();
  b.set(recovery, "env", b.text(report.production_env));
  b.set(recovery, "p50_seconds", b.number_or_null(report.recovery_p50));
  b.set(recovery, "p90_seconds", b.number_or_null(report.recovery_p90));
  JsonValue recovery_items = b.array();
  for (const auto &item : report.recoveries) {
    JsonValue value = b.object();
    b.set(value, "app", b.text_or_null(item.app));
    b.set(value, "release_id", b.text(item.release_id));
    b.set(value, "denied_at", b.text(item.denied_at));
    b.set(value, "restored_at", b.text(item.restored_at));
    b.set(value, "seconds", b.number(item.seconds));
    b.push(recovery_items, std::move(value));
  }
  b.set(recovery, "failures", std::move(recovery_items));
  b.set(dora, "failed_deployment_recovery", std::move(recovery));
  b.set(doc, "dora", std::move(dora));

  JsonValue drills = b.array();
  for (const auto &drill : report.drills) {
    JsonValue item = b.object();
    b.set(item, "time", b.text(drill.time));
    b.set(item, "app", b.text_or_null(drill.app));
    b.set(item, "env", b.text(drill.env));
    b.set(item, "result", b.text(drill.success ? "success" : "failed"));
    b.set(item, "failed_phase", b.text(drill.failed_phase));
    JsonValue phases = b.object();
    for (const auto &[phase, ms] : drill.phases_ms)
      b.set(phases, phase, b.number_or_null(ms));
    b.set(item, "phases_ms", std::move(phases));
    b.set(item, "recovery_ms", b.number_or_null(drill.recovery_ms));
    b.set(item, "from_digest", b.text_or_null(drill.from_digest));
    b.set(item, "to_digest", b.text_or_null(drill.to_digest));
    b.set(item, "to_release", b.text_or_null(drill.to_release));
    b.set(item, "baseline_error_rate", b.number_or_null(drill.baseline_error_rate));
    b.set(item, "baseline_latency_p99_seconds", b.number_or_null(drill.baseline_p99_seconds));
    b.set(item, "post_error_rate", b.number_or_null(drill.post_error_rate));
    b.set(item, "post_latency_p99_seconds", b.number_or_null(drill.post_p99_seconds));
    b.set(item, "reason", b.text(drill.reason));
    b.set(item, "source", b.text(drill.source));
    b.push(drills, std::move(item));
  }
  b.set(doc, "drills", std::move(drills));
  b.set(doc, "drill_trend", b.text_or_null(report.drill_trend));

  JsonValue history = b.array();
  for (const auto &stats : report.history) {
    JsonValue item = b.object();
    b.set(item, "env", b.text_or_null(stats.env));
    b.set(item, "stage", b.integer_or_null(stats.stage));
    b.set(item, "samples", b.count(stats.samples));
    b.set(item, "allow", b.count(stats.allow));
    b.set(item, "deny", b.count(stats.deny));
    b.set(item, "other", b.count(stats.other));
    b.set(item, "first_at", b.text(stats.first_at));
    b.set(item, "last_at", b.text(stats.last_at));
    b.set(item, "last_decision", b.text(stats.last_decision));
    b.set(item, "last_error_rate", b.number_or_null(stats.last_error_rate));
    b.set(item, "last_latency_p99_seconds", b.number_or_null(stats.last_p99_seconds));
    b.push(history, std::move(item));
  }
  b.set(doc, "health_history", std::move(history));
  b.set(doc, "notes", b.strings(report.notes));
  return doc;
}

std::string render_json(const AuditReport &report)
{
  return to_pretty_json(report_to_json(report)) + "\n";
}

} // namespace relgate::audit
