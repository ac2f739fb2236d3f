#include "slo_check.hpp"

#include "digest.hpp"
#include "last_allow.hpp"
#include "run_setup.hpp"
#include "slo_summary.hpp"
#include "text_join.hpp"
#include "watch.hpp"

#include <map>
#include <thread>

#include <unistd.h>

#include <ostream>

namespace relgate::slo
{

namespace
{

// How the plan went: measurements completed (-1 when a follow-up query failed), and the errors.
struct PlanProgress {
  explicit PlanProgress(int64_t consecutive_error_limit) : errors(consecutive_error_limit) {}
  int done = 0;
  bool permanent_error = false;
  ErrorBudget errors;
};

// The measurement loop: `count` successful measurements `interval` apart; an errored one is
// retried (Argo) until consecutive_error_limit or the deadline.
Result<void> run_measurements(StepContext &context, const SloPolicy &policy, const SourceChoice &choice,
                              Clock::time_point deadline, std::vector<ObjectiveResult> &results, RunInfo &run,
                              PlanProgress &progress, bool watching)
{
  // Under --watch the live status line replaces the per-measurement lines.
  const bool tty = isatty(STDERR_FILENO) != 0 && !watching;
  int attempt = 0;
  while (progress.done < policy.plan.count) {
    const auto started = Clock::now();
    MeasurementLog entry;
    entry.attempt = ++attempt;
    entry.at = format_rfc3339(current_time());
    auto measurement = choice.source->measure(policy.objectives, deadline);
    if (measurement) {
      // Bad data (NaN, +-Inf, a negative latency) is a measurement error like garbage: never judged.
      auto checked = check_readings(policy.objectives, *measurement);
      if (!checked)
        measurement = checked.error();
    }
    if (!measurement) {
      if (choice.source->kind() == "metrics-file")
        return measurement.error(); // bad input: nothing to retry
      entry.error = measurement.message();
      run.log.push_back(std::move(entry));
      progress.errors.record_error(measurement.message());
      if (tty)
        context.io.err << "slo-check: measurement error " << progress.errors.consecutive() << ": "
                       << measurement.message() << "\n";
      if (is_permanent_query_error(measurement.message()) || stop_requested()) {
        progress.permanent_error = true;
        break;
      }
      if (progress.errors.exhausted() || Clock::now() >= deadline)
        break;
      // Argo retries an errored measurement after the interval; without one, after a second.
      const Duration pause = policy.plan.interval.count() > 0 ? policy.plan.interval : Duration(1000);
      if (!sleep_until_or_deadline(started + pause, deadline, "retrying"))
        break;
      continue;
    }
    progress.errors.record_success();
    std::vector<ObjectiveReading> readings;
    const auto &judged = measurement->readings[choice.judged_role];
    const std::vector<Reading> *baseline = choice.comparing ? &measurement->readings["baseline"] : nullptr;
    for (std::size_t i = 0; i < policy.objectives.size(); ++i) {
      auto reading = evaluate_reading(policy.objectives[i], judged[i], baseline ? &(*baseline)[i] : nullptr,
                                      results[i].last_allow_value, policy.canary);
      results[i].tally.add(reading.status);
      readings.push_back(reading);
      results[i].readings.push_back(std::move(reading));
    }
    for (const auto &warning : measurement->warnings)
      run.warnings.push_back(warning);
    for (const auto &doubt : measurement->doubts)
      run.doubts.push_back(doubt);
    entry.measurement = std::move(*measurement);
    run.log.push_back(std::move(entry));
    ++progress.done;
    if (tty)
      context.io.err << progress_line(policy.objectives, readings, progress.done, policy.plan.count) << "\n";
    if (progress.done < policy.plan.count &&
        !sleep_until_or_deadline(started + policy.plan.interval, deadline, "waiting for the next measurement")) {
      break;
    }
  }
  return ok_result();
}

// Burn rates are judged once, at the end, over their own windows (Prometheus only).
std::vector<BurnRateEvaluation> judge_burn_rates(const SloPolicy &policy, const SourceChoice &choice,
                                                 Clock::time_point deadline, RunInfo &run, PlanProgress &progress)
{
  std::vector<BurnRateEvaluation> burns;
  if (!policy.burn_rate.enabled || progress.done != policy.plan.count)
    return burns;
  if (choice.source->kind() != "prometheus") {
    run.warnings.push_back("[burn_rate] needs --prometheus (hours of history); not evaluated");
    return burns;
  }
  const Target &judged_target = choice.targets[0];
  for (const auto &window : policy.burn_rate.windows) {
    auto long_ratio = choice.source->error_ratio(judged_target, window.long_window, deadline);
    auto short_ratio =
        long_ratio ? choice.source->error_ratio(judged_target, window.short_window, deadline) : long_ratio;
    if (!long_ratio || !short_ratio) {
      progress.errors.record_error("burn rate: " + (long_ratio ? short_ratio.message() : long_ratio.message()));
      progress.done = -1;
      break;
    }
    burns.push_back(evaluate_burn_window(window, policy.burn_rate.target, *long_ratio, *short_ratio));
  }
  return burns;
}

// Canary comparison samples from range queries (Prometheus), when the policy asks for them.
void collect_range_samples(const SloPolicy &policy, const SourceChoice &choice, Clock::time_point deadline,
                           std::vector<ObjectiveResult> &results, RunInfo &run, PlanProgress &progress)
{
  if (!choice.comparing || policy.canary.sample_range.count() <= 0 || progress.done != policy.plan.count)
    return;
  if (choice.source->kind() != "prometheus") {
    run.warnings.push_back("[canary] sample_range needs --prometheus; Mann-Whitney uses the per-measurement values");
    return;
  }
  for (auto &result : results) {
    if (result.objective->direction == Direction::none)
      continue;
    auto canary = choice.source->range_samples(*result.objective, choice.targets[0], policy.canary.sample_range,
                                               policy.canary.sample_step, deadline);
    auto baseline = canary
                        ? choice.source->range_samples(*result.objective, choice.targets[1], policy.canary.sample_range,
                                                       policy.canary.sample_step, deadline)
                        : canary;
    if (!canary || !baseline) {
      progress.errors.record_error("canary samples: " + (canary ? baseline.message() : canary.message()));
      progress.done = -1;
      return;
    }
    result.range_samples.emplace(std::move(**canary), std::move(**baseline));
  }
}

// Why an unfinished plan stopped, for the ERROR reason.
std::string stop_reason(const PlanProgress &progress, const SloPolicy &policy, Duration budget)
{
  const ErrorBudget &errors = progress.errors;
  if (progress.permanent_error)
    return "the query was rejected (not retried): " + errors.last_error();
  if (errors.exhausted()) {
    return "source unreachable or failing: " + std::to_string(errors.consecutive()) +
           " consecutive measurement errors > consecutive_error_limit " + std::to_string(errors.limit()) +
           "; last: " + errors.last_error();
  }
  if (progress.done < 0)
    return errors.last_error();
  return "--timeout " + format_duration(budget) + " reached after " + std::to_string(progress.done) + " of " +
         std::to_string(policy.plan.count) + " measurements" +
         (errors.last_error().empty() ? "" : "; last error: " + errors.last_error());
}

} // namespace

StepSpec slo_check_spec()
{
  StepSpec spec;
  spec.name = "slo-check";
  spec.usage = "slo-check (--prometheus URL | --metrics-url URL | --metrics-file FILE [--metrics-file FILE] | "
               "--canary-url URL --baseline-url URL) [options]";
  spec.description =
      "Runtime health gate: measures error rate, latency percentiles, request rate and burn rate from Prometheus or a "
      "/metrics "
      "endpoint, compares a canary with its baseline (ratio and Mann-Whitney U), and decides ALLOW (0), DENY (1) or "
      "INCONCLUSIVE (3) by the policy; 2 when the source is unreachable or the input is bad.";
  spec.options = {
      value_option("prometheus", "URL", "Prometheus server root; objectives run as PromQL via /api/v1/query"),
      value_option("metrics-url", "URL", "a /metrics endpoint, scraped twice --window apart"),
      repeated_option("metrics-file", "FILE",
                      "a saved scrape (text or OpenMetrics); two files give the delta between them"),
      repeated_option("baseline-file", "FILE", "the baseline's saved scrape(s): --metrics-file is then the canary's"),
      value_option("canary-url", "URL", "the canary's /metrics endpoint (judged)"),
      value_option("baseline-url", "URL", "the baseline's /metrics endpoint (compared against)"),
      value_option("canary-role", "VALUE", "Prometheus: what {{ role }} becomes for the canary"),
      value_option("baseline-role", "VALUE", "Prometheus: what {{ role }} becomes for the baseline"),
      value_option("window", "DURATION", "measurement window (policy [source] window, default 30s)"),
      value_option("interval", "DURATION", "time between measurements (overrides [measurement] interval)"),
      value_option("count", "N", "number of measurements (overrides [measurement] count)"),
      value_option("timeout", "DURATION", "deadline for the whole step (default: the plan's duration + 2m)"),
      value_option("request-timeout", "DURATION", "timeout of one HTTP request (default 10s)"),
      value_option("attempts", "N", "HTTP attempts per request, with backoff (default 3)"),
      value_option("bearer-token-env", "NAME", "environment variable holding a bearer token"),
      value_option("basic-auth-env", "NAME", "environment variable holding user:password"),
      value_option("cacert", "FILE", "CA bundle for a private CA (TLS is always verified)"),
      flag_option("watch", "measure again and again (a live line on a TTY); --interval and --count then mean time "
                           "between samples (default 10s) and samples (default: until SIGINT/SIGTERM)"),
      value_option("history", "FILE", "with --watch: append every sample to this JSON Lines file"),
  };
  spec.default_policy = "slo.toml";
  spec.run = run_slo_check;
  return spec;
}

namespace
{

// One whole check (every measurement of the plan): the step's outcome. Under --watch, one sample.
Result<StepOutcome> check_once(StepContext &context, bool watching)
{
  const ParsedArgs &args = context.args;
  // step_main has filled in the default policy (spec.default_policy) when --policy is absent.
  RELGATE_ASSIGN_OR_RETURN(auto loaded, load_policy(context.common.policy_path, slo_policy_version));
  RELGATE_ASSIGN_OR_RETURN(SloPolicy policy, read_slo_policy(loaded));
  HttpSettings http;
  RELGATE_TRY(apply_overrides(args, policy, http, !watching));
  RELGATE_ASSIGN_OR_RETURN(auto choice, choose_source(args, policy, http));

  const bool waits_window = choice.source->kind() == "metrics-url";
  std::vector<std::string> early_warnings;
  if (choice.source->kind() == "metrics-file" && policy.plan.count > 1) {
    policy.plan.count = 1; // saved scrapes are one measurement
    early_warnings.push_back("saved scrapes are one measurement: count set to 1");
  }
  RELGATE_ASSIGN_OR_RETURN(auto timeout, args.duration("timeout"));
  const Duration needed = planned_duration(policy, waits_window);
  if (timeout && *timeout <= needed) {
    return make_error("--timeout " + format_duration(*timeout) + " is shorter than the plan needs (" +
                      format_duration(needed) + ": count, interval and window); raise it or lower --count/--window");
  }
  const Duration budget = timeout ? *timeout : needed + std::chrono::minutes(2);
  const auto deadline = Clock::now() + budget;

  RunInfo run;
  run.warnings = early_warnings;
  run.source = choice.source->kind();
  run.targets = choice.targets;
  run.judged_role = choice.judged_role;
  run.comparing = choice.comparing;
  run.window_seconds = std::chrono::duration<double>(policy.window).count();

  RELGATE_ASSIGN_OR_RETURN(auto last_allow, load_last_allow(context.common.evidence_path, context.common.scope));
  if (last_allow)
    run.last_allow_at = last_allow->started_at;

  std::vector<ObjectiveResult> results(policy.objectives.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    results[i].objective = &policy.objectives[i];
    if (last_allow) {
      auto it = last_allow->values.find(policy.objectives[i].name);
      if (it != last_allow->values.end())
        results[i].last_allow_value = it->second;
    }
  }

  PlanProgress progress(policy.plan.consecutive_error_limit);
  RELGATE_TRY(run_measurements(context, policy, choice, deadline, results, run, progress, watching));
  std::vector<BurnRateEvaluation> burns = judge_burn_rates(policy, choice, deadline, run, progress);
  collect_range_samples(policy, choice, deadline, results, run, progress);

  StepOutcome outcome;
  outcome.policy = PolicyRef{loaded.path, loaded.sha256, loaded.version};
  for (const auto &file : choice.files) {
    RELGATE_ASSIGN_OR_RETURN(auto sha, sha256_file_hex(file));
    outcome.inputs.push_back({file, sha});
  }

  if (progress.done != policy.plan.count) {
    // Errors or the deadline stopped the plan: fail closed (exit 2), but keep what was measured.
    Verdict partial = judge(policy, std::move(results), std::move(burns), choice.judged_role, choice.comparing);
    outcome.decision = Decision::error;
    const std::string reason = stop_reason(progress, policy, budget);
    run.stop_reason = reason;
    outcome.reasons.push_back(reason);
    outcome.summary = build_summary(policy, run, partial);
    outcome.text_details = build_text_details(run, partial);
    return outcome;
  }

  Verdict verdict = judge(policy, std::move(results), std::move(burns), choice.judged_role, choice.comparing);
  apply_doubts(verdict, run.doubts);
  outcome.decision = verdict.decision;
  outcome.reasons = verdict.reasons;
  for (const auto &result : verdict.objectives) {
    CheckResult check;
    check.name = result.objective->name;
    check.inconclusive = result.phase == ObjectivePhase::inconclusive;
    check.passed = result.phase != ObjectivePhase::failed && !check.inconclusive;
    check.message = result.reason.empty() ? std::string(phase_name(result.phase)) : result.reason;
    outcome.checks.push_back(check);
  }
  char score[32];
  std::snprintf(score, sizeof score, "%.4g", verdict.score.total);
  outcome.outputs.emplace_back("score", score);
  outcome.summary = build_summary(policy, run, verdict);
  outcome.text_details = build_text_details(run, verdict);
  return outcome;
}

HistorySample sample_of(const StepContext &context, const Result<StepOutcome> &outcome)
{
  HistorySample sample;
  sample.at = format_rfc3339(current_time());
  sample.env = context.common.scope.env;
  sample.stage = context.common.scope.stage;
  if (context.common.subject)
    sample.subject_digest = context.common.subject->digest.str();
  if (!outcome) {
    // Fails closed: an unreachable source is an ERROR sample, never a silent gap.
    sample.decision = Decision::error;
    sample.reasons = {outcome.message()};
    return sample;
  }
  sample.decision = outcome->decision;
  sample.reasons = outcome->reasons;
  for (const char *key : {"error_rate", "latency_p50_seconds", "latency_p99_seconds"}) {
    const JsonValue *value = find_member(outcome->summary, key);
    if (value == nullptr || !value->IsNumber())
      continue;
    const double number = value->GetDouble();
    if (std::string_view(key) == "error_rate")
      sample.values.error_rate = number;
    else if (std::string_view(key) == "latency_p50_seconds")
      sample.values.latency_p50_seconds = number;
    else
      sample.values.latency_p99_seconds = number;
  }
  return sample;
}

Result<StepOutcome> run_watch(StepContext &context)
{
  const ParsedArgs &args = context.args;
  if (!context.common.evidence_path.empty())
    return make_error("--watch records samples in --history, not in the evidence: drop --evidence");
  if (!args.values("metrics-file").empty())
    return make_error("--watch measures a live source (--prometheus, --metrics-url, --canary-url), not saved scrapes");
  RELGATE_ASSIGN_OR_RETURN(auto interval, args.duration("interval"));
  const Duration pause = interval ? *interval : Duration(std::chrono::seconds(10)); // never negative
  RELGATE_ASSIGN_OR_RETURN(auto count_flag, args.integer("count", 1, 1000000));
  const int64_t count = count_flag ? *count_flag : 0; // 0 = until SIGINT / SIGTERM
  // The policy and the source are checked once, before the first sample: a typo is exit 2, not a
  // history of ERROR samples.
  {
    RELGATE_ASSIGN_OR_RETURN(auto loaded, load_policy(context.common.policy_path, slo_policy_version));
    RELGATE_ASSIGN_OR_RETURN(SloPolicy policy, read_slo_policy(loaded));
    HttpSettings http;
    RELGATE_TRY(apply_overrides(args, policy, http, false));
    RELGATE_TRY(choose_source(args, policy, http));
  }
  RELGATE_ASSIGN_OR_RETURN(auto history, HistoryFile::open(args.value_or("history", "")));
  install_stop_handlers();
  const bool tty = isatty(STDOUT_FILENO) != 0;

  std::optional<StepOutcome> last;
  int64_t samples = 0;
  std::map<Decision, int64_t> tally;
  while (!stop_requested() && (count == 0 || samples < count)) {
    const auto started = Clock::now();
    Result<StepOutcome> outcome = check_once(context, true);
    if (stop_requested())
      break; // the interrupted sample measured nothing whole: not recorded
    HistorySample sample = sample_of(context, outcome);
    RELGATE_TRY(history.append(history_line(sample)));
    ++samples;
    ++tally[sample.decision];
    const std::string line = status_line(sample, samples, count);
    if (tty)
      context.io.out << "\r\033[K" << line << std::flush;
    else
      context.io.out << "slo-check: " << line << "\n" << std::flush;
    if (outcome) {
      last = std::move(*outcome);
    } else {
      StepOutcome failed;
      failed.decision = Decision::error;
      failed.reasons = {outcome.message()};
      last = std::move(failed);
    }
    if (count != 0 && samples >= count)
      break;
    while (!stop_requested() && Clock::now() < started + pause)
      std::this_thread::sleep_for(
          std::min<Clock::duration>(std::chrono::milliseconds(100), started + pause - Clock::now()));
  }
  if (tty && samples > 0)
    context.io.out << "\n";
  if (!last)
    return make_error("--watch stopped before the first sample was complete: nothing measured");
  StepOutcome outcome = std::move(*last);
  outcome.append_to_evidence = false;
  const std::string counts = join(tally, ", ", [](const auto &decision_count) {
    return std::to_string(decision_count.second) + " " + std::string(decision_name(decision_count.first));
  });
  outcome.reasons.push_back("watch: " + std::to_string(samples) + " sample(s) (" + counts + ") appended to " +
                            history.path() + (stop_requested() ? "; stopped by a signal" : "") +
                            "; the exit code is the last sample's");
  set_member(outcome.summary, "watch_samples", JsonValue(samples), outcome.summary.GetAllocator());
  return outcome;
}

} // namespace

Result<StepOutcome> run_slo_check(StepContext &context)
{
  if (context.args.has("watch"))
    return run_watch(context);
  if (context.args.has("history"))
    return make_error("--history goes with --watch");
  return check_once(context, false);
}

} // namespace relgate::slo
