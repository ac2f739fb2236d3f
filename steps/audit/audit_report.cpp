#include "audit_report.hpp"

#include "json.hpp"
#include "metric_math.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace relgate::audit
{
namespace
{

TimePoint time_of(const std::string &text)
{
  auto parsed = parse_rfc3339(text);
  return parsed ? *parsed : TimePoint{}; // inputs were validated: never reached with bad text
}

std::string who_of(const EvidenceRecord &record)
{
  if (!record.ci.IsObject())
    return "";
  if (auto actor = get_string(record.ci, "actor"); actor && !actor->empty())
    return *actor;
  return get_string(record.ci, "user").value_or("");
}

bool is_drill_record(const EvidenceRecord &record)
{
  return record.step == "rollback" && record.summary.IsObject() &&
         get_string(record.summary, "mode").value_or("") == "drill";
}

std::string ledger_who(const gitops::LedgerEntry &entry)
{
  std::string who = entry.actor;
  if (!entry.approvers.empty()) {
    who += " (approved by ";
    for (std::size_t i = 0; i < entry.approvers.size(); ++i)
      who += (i ? ", " : "") + entry.approvers[i];
    who += ")";
  }
  return who;
}

std::optional<double> nested_number(const JsonValue &object, std::string_view parent, std::string_view key)
{
  const JsonValue *inner = find_member(object, parent);
  return inner && inner->IsObject() ? get_number(*inner, key) : std::nullopt;
}

DrillRun drill_from_record(const RecordView &view, const EvidenceRecord &record)
{
  DrillRun drill;
  drill.time = view.time;
  drill.at = view.at;
  drill.app = view.app;
  drill.env = view.env;
  const JsonValue &summary = record.summary;
  drill.success = get_string(summary, "result").value_or("") == "success";
  drill.failed_phase = get_string(summary, "failed_phase").value_or("");
  for (const char *phase : {"rollback", "converge", "post_check", "roll_forward"})
    drill.phases_ms[phase] = nested_number(summary, "phases_ms", phase);
  drill.recovery_ms = get_number(summary, "recovery_ms");
  drill.from_digest = get_string(summary, "from_digest").value_or("");
  drill.to_digest = get_string(summary, "to_digest").value_or("");
  drill.to_release = get_string(summary, "to_release").value_or("");
  drill.baseline_error_rate = nested_number(summary, "baseline", "error_rate");
  drill.baseline_p99_seconds = nested_number(summary, "baseline", "latency_p99_seconds");
  drill.post_error_rate = nested_number(summary, "post", "error_rate");
  drill.post_p99_seconds = nested_number(summary, "post", "latency_p99_seconds");
  drill.reason = record.reasons.empty() ? "" : record.reasons.front();
  drill.source = "evidence";
  return drill;
}

// A ledger whose application is unknown (a legacy folder that names no image) may hold any
// application's releases; any other ledger only its own application's.
bool same_app(const std::string &ledger_app, const std::string &record_app)
{
  return ledger_app.empty() || ledger_app == record_app;
}

// Release ids are per application: keys that hold one carry the application too.
std::string app_key(const std::string &app, const std::string &value)
{
  return app + "\n" + value;
}

// A health observation of one digest in one environment: slo-check records and history samples.
struct HealthEvent {
  TimePoint at;
  std::string time;
  Decision decision;
};

} // namespace

AuditReport build_report(const AuditInputs &inputs)
{
  AuditReport report;
  report.generated_at = format_rfc3339(inputs.now);
  report.repo = inputs.repo;
  report.production_env = inputs.env_filter.empty() ? "prod" : inputs.env_filter;
  report.app_filter = inputs.app_filter;
  const std::string &filter = inputs.env_filter;
  std::set<std::string> apps;

  // Evidence: files, release summaries, records (each once, whichever copies hold it).
  std::set<std::string> seen_records;
  std::map<std::string, std::string> commit_time_by_digest;
  std::map<std::string, PolicyUse> policies;
  std::vector<std::pair<RecordView, const EvidenceRecord *>> records;
  for (const auto &input : inputs.evidence) {
    const std::string app = evidence_app(input.file);
    if (!inputs.app_filter.empty() && app != inputs.app_filter)
      continue;
    apps.insert(app);
    ReleaseSummary summary = summarize_release(input.file, input.path, filter);
    summary.app = app;
    EvidenceView view{input.path,
                      input.sha256,
                      input.file.subject.str(),
                      app,
                      summary.release_id,
                      input.file.records.size(),
                      input.signed_records,
                      input.signatures_checked,
                      input.source_commit_time};
    report.evidence.push_back(view);
    if (!input.source_commit_time.empty())
      commit_time_by_digest[app_key(app, input.file.subject.digest.str())] = input.source_commit_time;
    for (const auto &record : input.file.records) {
      if (!seen_records.insert(record_id(record)).second)
        continue;
      if (!filter.empty() && !record.scope.env.empty() && record.scope.env != filter)
        continue;
      RecordView item;
      item.time = record.started_at;
      item.at = time_of(record.started_at);
      item.step = record.step;
      item.decision = record.decision;
      item.app = app;
      item.env = record.scope.env;
      item.stage = record.scope.stage;
      item.release_id = summary.release_id;
      item.subject = input.file.subject.digest.str();
      item.reasons = record.reasons;
      item.duration_seconds = static_cast<double>(record.duration_ms) / 1000.0;
      item.who = who_of(record);
      item.evidence = input.path;
      item.drill = is_drill_record(record);
      if (record.policy) {
        PolicyUse &use = policies[record.policy->path + "\n" + record.policy->sha256];
        use.path = record.policy->path;
        use.sha256 = record.policy->sha256;
        use.version = record.policy->version;
        if (std::find(use.steps.begin(), use.steps.end(), record.step) == use.steps.end())
          use.steps.push_back(record.step);
        ++use.records;
        if (use.first_used.empty() || item.at < time_of(use.first_used))
          use.first_used = item.time;
        if (use.last_used.empty() || item.at > time_of(use.last_used))
          use.last_used = item.time;
      }
      records.emplace_back(std::move(item), &record);
    }
    report.releases.push_back(std::move(summary));
  }
  std::stable_sort(records.begin(), records.end(),
                   [](const auto &a, const auto &b) { return a.first.at < b.first.at; });
  for (auto &[policy_key, use] : policies)
    report.policies.push_back(std::move(use));
  std::sort(report.policies.begin(), report.policies.end(),
            [](const PolicyUse &a, const PolicyUse &b) { return a.first_used < b.first_used; });

  // Gate quality: every step that decides (rollback acts; it is not a gate).
  std::map<std::string, GateStats> gates;
  for (const auto &[view, record] : records) {
    report.records.push_back(view);
    if (view.step == "rollback")
      continue;
    GateStats &stats = gates[view.step];
    stats.gate = view.step;
    switch (view.decision) {
    case Decision::allow:
      ++stats.allow;
      break;
    case Decision::deny:
      ++stats.deny;
      break;
    case Decision::inconclusive:
      ++stats.inconclusive;
      break;
    case Decision::error:
      ++stats.error;
      break;
    }
    stats.durations_seconds.push_back(view.duration_seconds);
    stats.duration_sum_seconds += view.duration_seconds;
  }
  for (auto &[name, stats] : gates) {
    stats.deny_ratio = ratio(stats.deny, stats.total());
    stats.p50_seconds = quantile(stats.durations_seconds, 0.5);
    stats.p99_seconds = quantile(stats.durations_seconds, 0.99);
    report.gates.push_back(stats);
  }

  // Environments and the ledger: state views, timeline, deployments, failures, recoveries.
  const bool have_ledger = !inputs.envs.empty();
  std::vector<CommitDeploy> lead_pairs;
  for (const auto &env : inputs.envs) {
    apps.insert(env.app);
    EnvView view;
    view.app = env.app;
    view.env = env.env;
    view.ledger_entries = env.ledger.size();
    if (env.state) {
      view.image = env.state->image;
      if (env.state->stable) {
        view.stable_release = env.state->stable->release_id;
        view.stable_digest = env.state->stable->digest;
        view.stable_since = env.state->stable->since;
      }
      if (env.state->canary) {
        view.canary_release = env.state->canary->release_id;
        view.canary_digest = env.state->canary->digest;
      }
      view.canary_weight = env.state->canary_weight;
      view.updated_at = env.state->updated_at;
    }
    report.envs.push_back(view);

    EnvDora dora;
    dora.app = env.app;
    dora.env = env.env;
    std::map<std::string, std::string> digest_of_release;
    std::vector<std::string> deployed; // release ids in first-promotion order
    std::vector<TimePoint> first_promoted;
    std::set<std::string> failed;
    std::set<std::string> full_seen;
    for (const auto &entry : env.ledger) {
      TimelineEvent event;
      event.time = entry.time;
      event.at = time_of(entry.time);
      event.kind = entry.action;
      event.app = env.app;
      event.env = env.env;
      event.release_id = entry.action == "rollback" ? entry.rollback_of : entry.release_id;
      event.outcome = entry.outcome;
      event.who = ledger_who(entry);
      event.why = entry.reason;
      if (entry.action == "promote") {
        event.what = "promote " + std::to_string(entry.weight) + "%";
        digest_of_release.emplace(entry.release_id, entry.digest);
        if (std::find(deployed.begin(), deployed.end(), entry.release_id) == deployed.end()) {
          deployed.push_back(entry.release_id);
          first_promoted.push_back(event.at);
        }
        if (entry.weight == 100 && env.env == report.production_env && full_seen.insert(entry.release_id).second) {
          // The single-application layout's ledger matches a digest of any application.
          auto commit = commit_time_by_digest.end();
          for (auto it = commit_time_by_digest.begin(); it != commit_time_by_digest.end(); ++it) {
            const std::string key_app = it->first.substr(0, it->first.find('\n'));
            if (it->first.substr(key_app.size() + 1) == entry.digest && same_app(env.app, key_app))
              commit = it;
          }
          if (commit != commit_time_by_digest.end()) {
            const double seconds = seconds_between(time_of(commit->second), event.at);
            lead_pairs.push_back({time_of(commit->second), event.at});
            if (seconds > 0)
              report.lead_times.push_back(
                  {env.app.empty() ? commit->first.substr(0, commit->first.find('\n')) : env.app, entry.release_id,
                   env.env, commit->second, entry.time, seconds});
          }
        }
      } else if (entry.action == "rollback") {
        event.what = "rollback to " + entry.release_id;
        failed.insert(entry.rollback_of);
      } else {
        event.what = "drill";
      }
      report.timeline.push_back(std::move(event));
    }
    // Only this application's releases index: release ids repeat across applications.
    if (auto index = inputs.releases.find(env.app); index != inputs.releases.end()) {
      for (const auto &[digest, rejected] : index->second.rejected) {
        if (rejected.env == env.env && digest_of_release.count(rejected.release_id))
          failed.insert(rejected.release_id);
      }
    }
    dora.deployments = deployed.size();
    dora.frequency_per_day = deployments_per_day(first_promoted, inputs.now, frequency_window_days);
    dora.deployments_in_window = static_cast<std::size_t>(dora.frequency_per_day * frequency_window_days + 0.5);
    for (const auto &id : failed) {
      if (std::find(deployed.begin(), deployed.end(), id) != deployed.end())
        dora.failed_releases.push_back(id);
    }
    dora.failed = dora.failed_releases.size();
    dora.change_failure_ratio = change_failure_ratio(dora.deployments, dora.failed);
    report.dora.push_back(std::move(dora));

    // Failed deployment recovery: the first DENY of the run of DENYs before each rollback, to it.
    if (env.env != report.production_env)
      continue;
    for (const auto &entry : env.ledger) {
      if (entry.action != "rollback")
        continue;
      const auto digest_it = digest_of_release.find(entry.rollback_of);
      if (digest_it == digest_of_release.end())
        continue;
      const TimePoint restored = time_of(entry.time);
      std::vector<HealthEvent> health;
      for (const auto &item : records) {
        const RecordView &seen = item.first;
        if (seen.step == "slo-check" && seen.env == env.env && same_app(env.app, seen.app) &&
            seen.subject == digest_it->second && seen.at <= restored)
          health.push_back({seen.at, seen.time, seen.decision});
      }
      for (const auto &file : inputs.history) {
        for (const auto &sample : file.samples) {
          if (sample.env == env.env && (sample.subject.empty() || sample.subject == digest_it->second) &&
              sample.time <= restored)
            health.push_back({sample.time, sample.at, sample.decision});
        }
      }
      std::stable_sort(health.begin(), health.end(), [](const auto &a, const auto &b) { return a.at < b.at; });
      const HealthEvent *trigger = nullptr;
      for (auto it = health.rbegin(); it != health.rend() && it->decision == Decision::deny; ++it)
        trigger = &*it;
      if (trigger) {
        report.recoveries.push_back(
            {env.app, entry.rollback_of, env.env, trigger->time, entry.time, seconds_between(trigger->at, restored)});
      }
    }
  }
  std::vector<double> leads, recoveries;
  for (const auto &lead : report.lead_times)
    leads.push_back(lead.seconds);
  for (const auto &recovery : report.recoveries)
    recoveries.push_back(recovery.seconds);
  report.lead_time_p50 = quantile(leads, 0.5);
  report.lead_time_p90 = quantile(leads, 0.9);
  report.recovery_p50 = quantile(recoveries, 0.5);
  report.recovery_p90 = quantile(recoveries, 0.9);

  // Evidence records in the timeline: gate decisions; promotions and rollbacks come from the
  // ledger when there is one (it is the record of what changed), from the evidence otherwise.
  std::set<std::pair<std::string, std::string>> envs_with_evidence_drills; // (app, env)
  for (const auto &[view, record] : records) {
    if (view.drill) {
      report.drills.push_back(drill_from_record(view, *record));
      envs_with_evidence_drills.insert({view.app, view.env});
    }
    const bool action = (view.step == "promote" && view.decision == Decision::allow) || view.step == "rollback";
    if (action && have_ledger)
      continue;
    TimelineEvent event;
    event.time = view.time;
    event.at = view.at;
    event.kind = view.drill ? "drill" : view.step == "promote" || view.step == "rollback" ? view.step : "gate";
    event.app = view.app;
    event.env = view.env;
    event.what = view.step + (view.stage ? " @" + std::to_string(*view.stage) + "%" : "");
    event.release_id = view.release_id;
    event.outcome = std::string(decision_name(view.decision));
    event.who = view.who;
    for (std::size_t i = 0; i < view.reasons.size(); ++i)
      event.why += (i ? "; " : "") + view.reasons[i];
    report.timeline.push_back(std::move(event));
  }
  for (const auto &env : inputs.envs) {
    const bool drills_in_evidence =
        std::any_of(envs_with_evidence_drills.begin(), envs_with_evidence_drills.end(),
                    [&](const auto &seen) { return seen.second == env.env && same_app(env.app, seen.first); });
    if (drills_in_evidence)
      continue;
    for (const auto &entry : env.ledger) {
      if (entry.action != "drill")
        continue;
      DrillRun drill;
      drill.time = entry.time;
      drill.at = time_of(entry.time);
      drill.app = env.app;
      drill.env = env.env;
      drill.success = entry.outcome == "success" || entry.outcome == "ALLOW" || entry.outcome == "passed";
      drill.to_release = entry.release_id;
      drill.to_digest = entry.digest;
      drill.reason = entry.reason;
      drill.source = "ledger";
      report.drills.push_back(std::move(drill));
    }
  }
  std::stable_sort(report.drills.begin(), report.drills.end(),
                   [](const auto &a, const auto &b) { return a.at < b.at; });
  std::vector<double> drill_recoveries;
  for (const auto &drill : report.drills) {
    if (drill.success && drill.recovery_ms)
      drill_recoveries.push_back(*drill.recovery_ms);
  }
  report.drill_trend = trend(drill_recoveries);
  std::stable_sort(report.timeline.begin(), report.timeline.end(),
                   [](const auto &a, const auto &b) { return a.at < b.at; });

  // Health history (slo-check --watch samples), per environment and stage.
  std::map<std::pair<std::string, int64_t>, HistoryStats> history;
  for (const auto &file : inputs.history) {
    report.history_files.push_back(file.path);
    for (const auto &sample : file.samples) {
      if (!filter.empty() && sample.env != filter)
        continue;
      HistoryStats &stats = history[{sample.env, sample.stage.value_or(-1)}];
      stats.env = sample.env;
      stats.stage = sample.stage;
      ++stats.samples;
      if (sample.decision == Decision::allow)
        ++stats.allow;
      else if (sample.decision == Decision::deny)
        ++stats.deny;
      else
        ++stats.other;
      if (stats.first_at.empty() || sample.time < time_of(stats.first_at))
        stats.first_at = sample.at;
      if (stats.last_at.empty() || sample.time >= time_of(stats.last_at)) {
        stats.last_at = sample.at;
        stats.last_decision = std::string(decision_name(sample.decision));
        stats.last_error_rate = sample.error_rate;
        stats.last_p99_seconds = sample.latency_p99_seconds;
      }
    }
  }
  for (auto &[key, stats] : history)
    report.history.push_back(std::move(stats));

  report.apps.assign(apps.begin(), apps.end());

  // What the numbers cannot see, said once.
  std::size_t without_commit_time = 0;
  for (const auto &view : report.evidence)
    without_commit_time += view.source_commit_time.empty() ? 1 : 0;
  if (without_commit_time > 0) {
    report.notes.push_back(std::to_string(without_commit_time) +
                           " evidence file(s) without release.source_commit_time: their releases have no lead time "
                           "(evidence init --source-commit-time, or CI_COMMIT_TIMESTAMP)");
  }
  if (!inputs.evidence.empty() && !inputs.evidence.front().signatures_checked)
    report.notes.push_back("evidence signatures not checked (chain integrity only): pass --trusted-key PEM");
  if (!inputs.app_filter.empty() && !inputs.history.empty())
    report.notes.push_back("health history samples name an environment, not an application: with --app they are "
                           "counted for every application of that environment");
  if (!have_ledger)
    report.notes.push_back("no GitOps repository read (--repo): no deployments, change failures or recoveries");
  report.notes.push_back("change failures are releases rolled back or rejected by relgate; hotfixes and incidents "
                         "handled outside relgate are not seen");
  return report;
}

} // namespace relgate::audit
