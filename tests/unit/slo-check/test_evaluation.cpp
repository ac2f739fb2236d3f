#include "evaluation.hpp"
#include "last_allow.hpp"

#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::slo;

namespace
{

Objective latency_objective(std::vector<std::string> pass, bool key = true)
{
  Objective objective;
  objective.name = "p99 latency";
  objective.metric = *parse_metric_name("p99_latency");
  objective.unit = Unit::seconds;
  for (const auto &text : pass)
    objective.pass.push_back(*parse_criterion(text));
  objective.key = key;
  return objective;
}

Reading value(double v)
{
  return Reading{v, {}};
}

} // namespace

TEST_CASE("one reading: pass, fail with the negated threshold, no-data policies")
{
  CanaryComparison canary;
  Objective objective = latency_objective({"<= 500ms"});
  auto pass = evaluate_reading(objective, value(0.3), nullptr, std::nullopt, canary);
  CHECK(pass.status == MeasurementStatus::passed);
  auto fail = evaluate_reading(objective, value(0.742), nullptr, std::nullopt, canary);
  CHECK(fail.status == MeasurementStatus::failed);
  CHECK(fail.failed_criterion == "> 500 ms");
  Reading none{std::nullopt, "no observations in the window"};
  CHECK(evaluate_reading(objective, none, nullptr, std::nullopt, canary).status == MeasurementStatus::inconclusive);
  objective.no_data = NoDataPolicy::deny;
  CHECK(evaluate_reading(objective, none, nullptr, std::nullopt, canary).status == MeasurementStatus::failed);
  objective.no_data = NoDataPolicy::pass;
  CHECK(evaluate_reading(objective, none, nullptr, std::nullopt, canary).status == MeasurementStatus::passed);
}

TEST_CASE("relative criteria: against the baseline or the last ALLOW; without one as no_reference says")
{
  CanaryComparison canary;
  Objective objective = latency_objective({"<= +10%"});
  Reading baseline = value(0.2);
  auto worse = evaluate_reading(objective, value(0.3), &baseline, std::nullopt, canary);
  CHECK(worse.status == MeasurementStatus::failed);
  CHECK(worse.failed_criterion == "> 220 ms (baseline +10%)");
  CHECK(evaluate_reading(objective, value(0.21), &baseline, std::nullopt, canary).status == MeasurementStatus::passed);
  // No reference: inconclusive by default (a 9 s latency must not pass for want of a baseline).
  auto unjudged = evaluate_reading(objective, value(9), nullptr, std::nullopt, canary);
  CHECK(unjudged.status == MeasurementStatus::inconclusive);
  CHECK(unjudged.note == "no baseline value for the relative criterion \"<= +10%\" (no_reference = inconclusive)");
  objective.no_reference = NoDataPolicy::deny;
  CHECK(evaluate_reading(objective, value(9), nullptr, std::nullopt, canary).status == MeasurementStatus::failed);
  objective.no_reference = NoDataPolicy::pass;
  auto skipped = evaluate_reading(objective, value(9), nullptr, std::nullopt, canary);
  CHECK(skipped.status == MeasurementStatus::passed);
  CHECK(skipped.note.find("skipped") != std::string::npos);
  // An absolute criterion is still judged next to a relative one without its reference.
  Objective both = latency_objective({"<= 500ms", "<= +10%"});
  CHECK(evaluate_reading(both, value(9), nullptr, std::nullopt, canary).status == MeasurementStatus::failed);
  CHECK(evaluate_reading(both, value(0.1), nullptr, std::nullopt, canary).status == MeasurementStatus::inconclusive);
  objective.no_reference = NoDataPolicy::inconclusive;
  objective.relative_to = RelativeTo::last_allow;
  auto last = evaluate_reading(objective, value(0.3), nullptr, 0.25, canary);
  CHECK(last.status == MeasurementStatus::failed);
  CHECK(last.failed_criterion == "> 275 ms (last ALLOW +10%)");
}

TEST_CASE("warning criteria and the canary excuse")
{
  CanaryComparison canary;
  Objective objective = latency_objective({"<= 500ms"});
  objective.warning.push_back(*parse_criterion("<= 800ms"));
  CHECK(evaluate_reading(objective, value(0.6), nullptr, std::nullopt, canary).status == MeasurementStatus::warning);
  objective.warning.clear();
  Reading slow_baseline = value(0.7);
  auto excused = evaluate_reading(objective, value(0.75), &slow_baseline, std::nullopt, canary);
  CHECK(excused.status == MeasurementStatus::passed);
  CHECK(excused.excused);
  CHECK(excused.note.find("not blamed") != std::string::npos);
  // Much worse than an already bad baseline: blamed.
  CHECK(evaluate_reading(objective, value(2.0), &slow_baseline, std::nullopt, canary).status ==
        MeasurementStatus::failed);
  canary.excuse_if_baseline_fails = false;
  CHECK(evaluate_reading(objective, value(0.75), &slow_baseline, std::nullopt, canary).status ==
        MeasurementStatus::failed);
}

TEST_CASE("the verdict: reasons carry value, threshold, role and counts")
{
  SloPolicy policy;
  policy.plan.count = 5;
  policy.objectives.push_back(latency_objective({"<= 500ms"}));
  std::vector<ObjectiveResult> results(1);
  results[0].objective = &policy.objectives[0];
  CanaryComparison canary;
  for (double v : {0.3, 0.742, 0.6, 0.2, 0.51}) {
    auto reading = evaluate_reading(policy.objectives[0], value(v), nullptr, std::nullopt, canary);
    results[0].tally.add(reading.status);
    results[0].readings.push_back(reading);
  }
  Verdict verdict = judge(policy, results, {}, "canary", false);
  CHECK(verdict.decision == Decision::deny);
  REQUIRE(verdict.reasons.size() == 1);
  CHECK(verdict.reasons[0] == "p99 latency 742 ms > 500 ms (canary, 3 of 5 measurements)");

  policy.plan.failure_limit = 3; // tolerated: a warning, half the weight -> score 50 < 75
  Verdict tolerated = judge(policy, results, {}, "canary", false);
  CHECK(tolerated.decision == Decision::deny);
  CHECK(tolerated.score.total == 50);
  policy.score = ScorePolicy{50, 25};
  CHECK(judge(policy, results, {}, "canary", false).decision == Decision::allow);
}

TEST_CASE("inconclusive, burn rate and canary comparison verdicts")
{
  SloPolicy policy;
  policy.objectives.push_back(latency_objective({"<= 500ms"}));
  std::vector<ObjectiveResult> results(1);
  results[0].objective = &policy.objectives[0];
  CanaryComparison canary;
  auto reading = evaluate_reading(policy.objectives[0], Reading{std::nullopt, "no observations in the window"}, nullptr,
                                  std::nullopt, canary);
  results[0].tally.add(reading.status);
  results[0].readings.push_back(reading);
  Verdict unknown = judge(policy, results, {}, "target", false);
  CHECK(unknown.decision == Decision::inconclusive);
  CHECK(unknown.reasons[0].find("no data in 1 of 1 measurement (no observations in the window)") != std::string::npos);

  BurnRateWindow page{std::chrono::hours(1), std::chrono::minutes(5), 14.4};
  std::vector<ObjectiveResult> fine(1);
  fine[0].objective = &policy.objectives[0];
  Verdict burning = judge(policy, fine, {evaluate_burn_window(page, 0.999, 0.05, 0.05)}, "target", false);
  CHECK(burning.decision == Decision::deny);
  CHECK(burning.reasons[0].find("error budget burning too fast: 1h/5m burn rate 50/50 > 14.4") != std::string::npos);
  // A window without data (no traffic, no status label) neither fires nor vouches: INCONCLUSIVE.
  Verdict unmeasured = judge(policy, fine, {evaluate_burn_window(page, 0.999, std::nullopt, 0.0)}, "target", false);
  CHECK(unmeasured.decision == Decision::inconclusive);
  REQUIRE(unmeasured.reasons.size() == 1);
  CHECK(unmeasured.reasons[0].find("error budget not measured: 1h/5m burn rate: no data") != std::string::npos);
  CHECK(judge(policy, fine, {evaluate_burn_window(page, 0.999, 0.0, 0.0)}, "target", false).decision ==
        Decision::allow);

  // Within the absolute threshold but significantly slower than the baseline: DENY by Mann-Whitney.
  policy.plan.count = 6;
  std::vector<ObjectiveResult> compared(1);
  compared[0].objective = &policy.objectives[0];
  const double canary_values[] = {0.40, 0.42, 0.39, 0.41, 0.45, 0.40};
  const double baseline_values[] = {0.20, 0.21, 0.19, 0.20, 0.22, 0.20};
  for (int i = 0; i < 6; ++i) {
    Reading baseline = value(baseline_values[i]);
    auto r = evaluate_reading(policy.objectives[0], value(canary_values[i]), &baseline, std::nullopt, canary);
    compared[0].tally.add(r.status);
    compared[0].readings.push_back(r);
  }
  Verdict slower = judge(policy, compared, {}, "canary", true);
  CHECK(slower.decision == Decision::deny);
  CHECK(slower.reasons[0].find("p99 latency 405 ms is significantly higher than baseline 200 ms") != std::string::npos);
}

TEST_CASE("the last ALLOW of the same env is found in the evidence")
{
  EvidenceFile file;
  auto add = [&](Decision decision, const char *env, double value, const char *at) {
    EvidenceRecord record;
    record.step = "slo-check";
    record.decision = decision;
    record.scope.env = env;
    record.started_at = at;
    auto parsed = parse_json(
        std::string(R"({"objectives":[{"name":"p99 latency","value":)") + std::to_string(value) + "}]}", "t");
    REQUIRE(parsed);
    record.summary = std::move(*parsed);
    file.records.push_back(std::move(record));
  };
  add(Decision::allow, "staging", 0.2, "2026-01-01T00:00:00Z");
  add(Decision::allow, "prod", 0.3, "2026-01-02T00:00:00Z");
  add(Decision::deny, "staging", 0.9, "2026-01-03T00:00:00Z");
  auto staging = find_last_allow(file, RecordScope{"staging", std::nullopt});
  REQUIRE(staging);
  CHECK(staging->values.at("p99 latency") == doctest::Approx(0.2));
  CHECK(staging->started_at == "2026-01-01T00:00:00Z");
  auto any = find_last_allow(file, RecordScope{});
  CHECK(any->values.at("p99 latency") == doctest::Approx(0.3));
  CHECK_FALSE(find_last_allow(file, RecordScope{"dev", std::nullopt}));
}
