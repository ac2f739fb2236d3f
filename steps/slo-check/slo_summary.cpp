#include "slo_summary.hpp"
#include "http_client.hpp"
#include "text_join.hpp"

#include <cmath>
#include <cstdio>
#include <utility>

namespace relgate::slo
{

namespace
{

JsonValue number_or_null(std::optional<double> value)
{
  JsonValue out;
  if (value && std::isfinite(*value))
    out.SetDouble(*value);
  return out;
}

JsonValue plan_json(const MeasurementPlan &plan, JsonAllocator &a)
{
  JsonValue out(rapidjson::kObjectType);
  set_member(out, "interval_ms", JsonValue(static_cast<int64_t>(plan.interval.count())), a);
  set_member(out, "count", JsonValue(plan.count), a);
  set_member(out, "failure_limit", JsonValue(plan.failure_limit), a);
  set_member(out, "inconclusive_limit", JsonValue(plan.inconclusive_limit), a);
  set_member(out, "consecutive_error_limit", JsonValue(plan.consecutive_error_limit), a);
  return out;
}

JsonValue objective_json(const ObjectiveResult &result, JsonAllocator &a)
{
  const Objective &objective = *result.objective;
  JsonValue out(rapidjson::kObjectType);
  set_member(out, "name", objective.name, a);
  set_member(out, "metric",
             objective.metric.kind == MetricSpec::Kind::query || objective.metric.kind == MetricSpec::Kind::gauge
                 ? objective.metric.query
                 : objective.metric.text,
             a);
  set_member(out, "unit", unit_name(objective.unit), a);
  set_member(out, "key", JsonValue(objective.key), a);
  set_member(out, "weight", JsonValue(objective.weight), a);
  set_member(out, "phase", result.tally.total() == 0 ? std::string_view("not_measured") : phase_name(result.phase), a);
  std::vector<std::string> pass;
  for (const auto &c : objective.pass)
    pass.push_back(c.text);
  set_member(out, "pass", json_string_array(pass, a), a);
  std::vector<double> values, baseline;
  JsonValue per_measurement(rapidjson::kArrayType);
  for (const auto &reading : result.readings) {
    if (reading.value)
      values.push_back(*reading.value);
    if (reading.baseline_value)
      baseline.push_back(*reading.baseline_value);
    JsonValue item(rapidjson::kObjectType);
    set_member(item, "value", number_or_null(reading.value), a);
    if (reading.lower_bound)
      set_member(item, "lower_bound", JsonValue(true), a); // "at least value"
    if (reading.baseline_value)
      set_member(item, "baseline", number_or_null(reading.baseline_value), a);
    set_member(item, "status", measurement_status_name(reading.status), a);
    if (reading.excused)
      set_member(item, "excused", JsonValue(true), a);
    if (reading.threshold)
      set_member(item, "threshold", number_or_null(reading.threshold), a);
    if (!reading.note.empty())
      set_member(item, "note", reading.note, a);
    per_measurement.PushBack(std::move(item), a);
  }
  // "value" is what a later check compares against (relative_to = last_allow): the median.
  set_member(out, "value", number_or_null(values.empty() ? std::nullopt : std::optional<double>(median(values))), a);
  if (!baseline.empty()) {
    set_member(out, "baseline_value", number_or_null(median(baseline)), a);
    // canary / baseline, the ratio Kayenta and Flagger users read first (null when the baseline is 0)
    const double base = median(baseline);
    if (!values.empty() && base != 0)
      set_member(out, "ratio_to_baseline", number_or_null(median(values) / base), a);
  }
  if (result.last_allow_value)
    set_member(out, "last_allow_value", number_or_null(result.last_allow_value), a);
  JsonValue tally(rapidjson::kObjectType);
  set_member(tally, "passed", JsonValue(result.tally.passed), a);
  set_member(tally, "warnings", JsonValue(result.tally.warnings), a);
  set_member(tally, "failed", JsonValue(result.tally.failed), a);
  set_member(tally, "inconclusive", JsonValue(result.tally.inconclusive), a);
  set_member(out, "counts", std::move(tally), a);
  set_member(out, "measurements", std::move(per_measurement), a);
  if (result.judgement) {
    JsonValue mw(rapidjson::kObjectType);
    set_member(mw, "class", canary_class_name(result.judgement->classification), a);
    set_member(mw, "u", number_or_null(result.judgement->test.u), a);
    set_member(mw, "p_greater", number_or_null(result.judgement->test.p_greater), a);
    set_member(mw, "p_less", number_or_null(result.judgement->test.p_less), a);
    set_member(mw, "hodges_lehmann", number_or_null(result.judgement->test.hodges_lehmann), a);
    set_member(mw, "description", result.judgement->description, a);
    set_member(mw, "samples_from", result.range_samples ? "range query" : "measurements", a);
    if (result.range_samples) {
      set_member(mw, "canary_samples", JsonValue(static_cast<int64_t>(result.range_samples->first.size())), a);
      set_member(mw, "baseline_samples", JsonValue(static_cast<int64_t>(result.range_samples->second.size())), a);
    }
    set_member(out, "mann_whitney", std::move(mw), a);
  }
  if (!result.reason.empty())
    set_member(out, "reason", result.reason, a);
  return out;
}

// The canary judgement in the objective's unit: "Mann-Whitney High: p(higher)=0.0021, ...".
std::string judgement_line(const CanaryJudgement &judgement, Unit unit)
{
  if (judgement.classification == CanaryClass::nodata)
    return judgement.description;
  char p_values[96];
  std::snprintf(p_values, sizeof p_values, "p(higher)=%.2g, p(lower)=%.2g", judgement.test.p_greater,
                judgement.test.p_less);
  const double shift = judgement.test.hodges_lehmann;
  return "Mann-Whitney " + std::string(canary_class_name(judgement.classification)) + ": " + p_values + ", shift " +
         (shift < 0 ? "-" : "+") + format_value(std::fabs(shift), unit);
}

// nullopt when a reading is only a lower bound: a headline figure is a measured value.
std::optional<double> median_value(const ObjectiveResult &result)
{
  std::vector<double> values;
  for (const auto &reading : result.readings) {
    if (reading.lower_bound)
      return std::nullopt;
    if (reading.value && std::isfinite(*reading.value))
      values.push_back(*reading.value);
  }
  if (values.empty())
    return std::nullopt;
  return median(values);
}

} // namespace

HeadlineValues headline_values(const Verdict &verdict)
{
  HeadlineValues values;
  for (const auto &result : verdict.objectives) {
    const MetricSpec &metric = result.objective->metric;
    const auto value = median_value(result);
    if (!value)
      continue;
    // The first objective measuring a figure gives it (a policy may judge p99 twice, with different criteria).
    if (metric.kind == MetricSpec::Kind::error_rate && !values.error_rate)
      values.error_rate = *value;
    else if (metric.kind == MetricSpec::Kind::availability && !values.error_rate)
      values.error_rate = 1.0 - *value;
    else if (metric.kind == MetricSpec::Kind::latency_quantile && metric.quantile == 0.5 && !values.latency_p50_seconds)
      values.latency_p50_seconds = *value;
    else if (metric.kind == MetricSpec::Kind::latency_quantile && metric.quantile == 0.99 &&
             !values.latency_p99_seconds)
      values.latency_p99_seconds = *value;
  }
  return values;
}

JsonDocument build_summary(const SloPolicy &policy, const RunInfo &run, const Verdict &verdict)
{
  JsonDocument doc = empty_object();
  auto &a = doc.GetAllocator();
  set_member(doc, "source", run.source, a);
  // The operate contract (docs/slo-check.md): present only when the policy measures them.
  const HeadlineValues headline = headline_values(verdict);
  if (headline.error_rate)
    set_member(doc, "error_rate", number_or_null(headline.error_rate), a);
  if (headline.latency_p50_seconds)
    set_member(doc, "latency_p50_seconds", number_or_null(headline.latency_p50_seconds), a);
  if (headline.latency_p99_seconds)
    set_member(doc, "latency_p99_seconds", number_or_null(headline.latency_p99_seconds), a);
  JsonValue targets(rapidjson::kObjectType);
  for (const auto &target : run.targets) {
    // Without userinfo and query, as messages show it: the record is an artifact others read.
    set_member(targets, target.role, target.url.empty() ? target.role_value : redact_url(target.url), a);
  }
  set_member(doc, "targets", std::move(targets), a);
  set_member(doc, "judged", run.judged_role, a);
  set_member(doc, "window_ms", JsonValue(static_cast<int64_t>(std::llround(run.window_seconds * 1000.0))), a);
  set_member(doc, "plan", plan_json(policy.plan, a), a);
  JsonValue objectives(rapidjson::kArrayType);
  for (const auto &result : verdict.objectives)
    objectives.PushBack(objective_json(result, a), a);
  set_member(doc, "objectives", std::move(objectives), a);
  JsonValue log(rapidjson::kArrayType);
  int completed = 0;
  for (const auto &entry : run.log) {
    JsonValue item(rapidjson::kObjectType);
    set_member(item, "attempt", JsonValue(entry.attempt), a);
    set_member(item, "at", entry.at, a);
    if (!entry.error.empty()) {
      set_member(item, "error", entry.error, a);
    } else {
      ++completed;
      set_member(item, "window_ms",
                 JsonValue(static_cast<int64_t>(std::llround(entry.measurement.window_seconds * 1000.0))), a);
      JsonValue stats(rapidjson::kObjectType);
      for (const auto &[role, s] : entry.measurement.stats) {
        JsonValue figures(rapidjson::kObjectType);
        set_member(figures, "requests", JsonValue(s.requests), a);
        set_member(figures, "errors", JsonValue(s.errors), a);
        set_member(figures, "latency_count", JsonValue(s.latency_count), a);
        set_member(figures, "counter_resets", JsonValue(s.counter_resets), a);
        set_member(stats, role, std::move(figures), a);
      }
      if (!entry.measurement.stats.empty())
        set_member(item, "figures", std::move(stats), a);
    }
    log.PushBack(std::move(item), a);
  }
  set_member(doc, "measurements", std::move(log), a);
  set_member(doc, "completed_measurements", JsonValue(completed), a);
  JsonValue score(rapidjson::kObjectType);
  set_member(score, "total", JsonValue(verdict.score.total), a);
  set_member(score, "pass", JsonValue(policy.score.pass), a);
  set_member(score, "warning", JsonValue(policy.score.warning), a);
  set_member(doc, "score", std::move(score), a);
  if (!verdict.burn_rates.empty()) {
    JsonValue burns(rapidjson::kArrayType);
    for (const auto &burn : verdict.burn_rates) {
      JsonValue item(rapidjson::kObjectType);
      set_member(item, "long", format_duration(burn.window.long_window), a);
      set_member(item, "short", format_duration(burn.window.short_window), a);
      set_member(item, "factor", JsonValue(burn.window.factor), a);
      set_member(item, "long_error_ratio", number_or_null(burn.long_ratio), a);
      set_member(item, "short_error_ratio", number_or_null(burn.short_ratio), a);
      set_member(item, "firing", JsonValue(burn.firing), a);
      burns.PushBack(std::move(item), a);
    }
    set_member(doc, "burn_rate", std::move(burns), a);
  }
  if (!run.last_allow_at.empty())
    set_member(doc, "last_allow_record", run.last_allow_at, a);
  if (!run.stop_reason.empty())
    set_member(doc, "stopped", run.stop_reason, a);
  set_member(doc, "warnings", json_string_array(run.warnings, a), a);
  return doc;
}

std::string build_text_details(const RunInfo &run, const Verdict &verdict)
{
  std::string text;
  char line[512];
  for (const auto &result : verdict.objectives) {
    const Objective &objective = *result.objective;
    std::vector<double> values, baseline;
    bool lower_bound = false; // then the median is only a lower bound too
    for (const auto &reading : result.readings) {
      if (reading.value)
        values.push_back(*reading.value);
      if (reading.baseline_value)
        baseline.push_back(*reading.baseline_value);
      lower_bound |= reading.lower_bound;
    }
    std::string value =
        values.empty() ? "no data" : (lower_bound ? ">= " : "") + format_value(median(values), objective.unit);
    if (!baseline.empty()) {
      const double base = median(baseline);
      char ratio[32] = "";
      if (!values.empty() && base != 0)
        std::snprintf(ratio, sizeof ratio, ", x%.3g", median(values) / base);
      value += " (baseline " + format_value(base, objective.unit) + ratio + ")";
    }
    const std::string pass = join(objective.pass, ", ", [](const auto &criterion) { return criterion.text; });
    bool excused = false;
    for (const auto &reading : result.readings)
      excused |= reading.excused;
    const std::string phase = result.tally.total() == 0 ? "not measured"
                              : excused && result.phase == ObjectivePhase::passed
                                  ? "excused"
                                  : std::string(phase_name(result.phase));
    std::snprintf(line, sizeof line, "  %-24s %-12s %-32s pass: %s%s\n", objective.name.c_str(), phase.c_str(),
                  value.c_str(), pass.empty() ? "(informational)" : pass.c_str(), objective.key ? " [key]" : "");
    text += line;
    if (result.judgement)
      text += "  " + std::string(26, ' ') + judgement_line(*result.judgement, objective.unit) + "\n";
  }
  for (const auto &burn : verdict.burn_rates)
    text += "  " + burn.description + "\n";
  if (run.stop_reason.empty()) {
    std::snprintf(line, sizeof line, "  score %.4g%%, %zu measurement attempt(s), source %s\n", verdict.score.total,
                  run.log.size(), run.source.c_str());
  } else {
    std::snprintf(line, sizeof line, "  stopped after %zu measurement attempt(s), source %s\n", run.log.size(),
                  run.source.c_str());
  }
  text += line;
  for (const auto &warning : run.warnings)
    text += "  warning: " + warning + "\n";
  return text;
}

std::string progress_line(const std::vector<Objective> &objectives, const std::vector<ObjectiveReading> &readings,
                          int done, int64_t count)
{
  std::string text = "slo-check: measurement " + std::to_string(done) + "/" + std::to_string(count) + ":";
  for (std::size_t i = 0; i < objectives.size() && i < readings.size(); ++i) {
    const auto &reading = readings[i];
    text += " " + objectives[i].name + " " +
            (reading.value ? format_value(*reading.value, objectives[i].unit) : "no data") + " " +
            std::string(measurement_status_name(reading.status)) + (i + 1 < objectives.size() ? "," : "");
  }
  return text;
}

} // namespace relgate::slo
