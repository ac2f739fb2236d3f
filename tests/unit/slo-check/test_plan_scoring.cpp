#include "burn_rate.hpp"
#include "mann_whitney.hpp"
#include "measurement_plan.hpp"
#include "scoring.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <random>

using namespace relgate;
using namespace relgate::slo;

TEST_CASE("Argo limits are strict: failed > failure_limit")
{
  MeasurementPlan plan;
  plan.count = 5;
  plan.failure_limit = 1;
  ObjectiveTally tally;
  for (int i = 0; i < 4; ++i)
    tally.add(MeasurementStatus::passed);
  tally.add(MeasurementStatus::failed);
  CHECK(assess_objective(tally, plan) == ObjectivePhase::warning); // 1 failure tolerated, noted
  tally.add(MeasurementStatus::failed);
  CHECK(assess_objective(tally, plan) == ObjectivePhase::failed);
  ObjectiveTally unknown;
  unknown.add(MeasurementStatus::inconclusive);
  CHECK(assess_objective(unknown, MeasurementPlan{}) == ObjectivePhase::inconclusive); // limit 0
  unknown.add(MeasurementStatus::failed);
  CHECK(assess_objective(unknown, MeasurementPlan{}) == ObjectivePhase::failed); // failed wins
}

TEST_CASE("consecutive errors: > limit exhausts, a success resets")
{
  ErrorBudget budget(2);
  budget.record_error("a");
  budget.record_error("b");
  CHECK_FALSE(budget.exhausted());
  budget.record_success();
  budget.record_error("c");
  budget.record_error("d");
  CHECK_FALSE(budget.exhausted());
  budget.record_error("e");
  CHECK(budget.exhausted());
  CHECK(budget.last_error() == "e");
  CHECK(budget.total() == 5);
}

TEST_CASE("Keptn-style score: pass = weight, warning = half, key failures deny")
{
  auto score = compute_score({{1, false, true, ObjectivePhase::passed},
                              {2, false, true, ObjectivePhase::warning},
                              {1, false, true, ObjectivePhase::failed},
                              {5, false, false, ObjectivePhase::failed}}); // informational: not scored
  CHECK(score.total == doctest::Approx(50));
  CHECK_FALSE(score.key_failed);
  CHECK(compute_score({{1, true, true, ObjectivePhase::failed}}).key_failed);
  CHECK(compute_score({}).total == 100);
  auto with_unknown =
      compute_score({{1, false, true, ObjectivePhase::passed}, {1, false, true, ObjectivePhase::inconclusive}});
  CHECK(with_unknown.total == 100);
  CHECK(with_unknown.inconclusive == 1);
  ScorePolicy bands{90, 75};
  CHECK(score_band(90, bands) == ScoreBand::pass);
  CHECK(score_band(80, bands) == ScoreBand::warning);
  CHECK(score_band(74.9, bands) == ScoreBand::fail);
}

TEST_CASE("burn rates: both windows must exceed the factor")
{
  CHECK(burn_rate(0.0144, 0.999) == doctest::Approx(14.4));
  BurnRateWindow page{std::chrono::hours(1), std::chrono::minutes(5), 14.4};
  CHECK(budget_consumed(page, std::chrono::hours(720)) == doctest::Approx(0.02));
  CHECK(evaluate_burn_window(page, 0.999, 0.02, 0.03).firing);
  CHECK_FALSE(evaluate_burn_window(page, 0.999, 0.02, 0.001).firing); // already recovering
  CHECK_FALSE(evaluate_burn_window(page, 0.999, 0.001, 0.03).firing); // a short blip
  auto none = evaluate_burn_window(page, 0.999, std::nullopt, 0.5);
  CHECK_FALSE(none.firing);
  CHECK(none.description.find("no data") != std::string::npos);
  CHECK(evaluate_burn_window(page, 0.999, 0.02, 0.03).description.find("1h/5m burn rate 20/30 > 14.4") !=
        std::string::npos);
}

TEST_CASE("Mann-Whitney U: the normal approximation of R wilcox.test (tie and continuity corrections)")
{
  // Expected p-values worked by hand with the formula of R wilcox.test(exact=FALSE, correct=TRUE,
  // alternative="less"): z = (U - n1 n2 / 2 + 0.5) / sigma, sigma with the tie term.
  auto separated = mann_whitney({1, 2, 3}, {4, 5, 6});
  CHECK(separated.u == 0);
  CHECK(separated.p_less == doctest::Approx(0.04043).epsilon(0.001));
  CHECK(separated.p_greater > 0.95);
  CHECK(separated.hodges_lehmann == -3);
  // Ties: canary ranks 1,3,3,6,9; two triples of ties; z = -1.0707, p = 0.1421.
  auto tied = mann_whitney({1, 2, 2, 3, 5}, {2, 3, 3, 4, 6});
  CHECK(tied.u == 7);
  CHECK(tied.p_less == doctest::Approx(0.1422).epsilon(0.001));
  // Identical samples: no evidence either way.
  auto same = mann_whitney({1, 1, 1}, {1, 1, 1});
  CHECK(same.p_greater == 1);
  CHECK(same.p_less == 1);
  CHECK(median({3, 1, 2, 10}) == 2.5);
}

TEST_CASE("Hodges-Lehmann shift: the exact median of all differences, in linear memory")
{
  // Against the definition (every difference, sorted), with ties, signs and odd and even n*m.
  std::mt19937 random(20261202);
  for (int round = 0; round < 300; ++round) {
    std::uniform_int_distribution<int> size(1, 40), pick(-20, 20);
    std::vector<double> canary(static_cast<std::size_t>(size(random)));
    std::vector<double> baseline(static_cast<std::size_t>(size(random)));
    for (auto &v : canary)
      v = pick(random) * (round % 3 == 0 ? 1.0 : 0.37);
    for (auto &v : baseline)
      v = pick(random) * (round % 2 == 0 ? 1.0 : 0.11);
    std::vector<double> differences;
    for (double x : canary) {
      for (double y : baseline)
        differences.push_back(x - y);
    }
    INFO("round " << round);
    CHECK(mann_whitney(canary, baseline).hodges_lehmann == median(differences));
  }
  // 200,000 samples a side: 4e10 differences (320 GB as doubles) were kept before; now O(n + m).
  std::vector<double> baseline, canary;
  for (int i = 0; i < 200000; ++i) {
    baseline.push_back((i * 7919 % 200000) * 0.5);
    canary.push_back(baseline.back() + 5);
  }
  CHECK(mann_whitney(canary, baseline).hodges_lehmann == 5);
}

TEST_CASE("canary judgement: significant and large enough to matter")
{
  CanaryComparison settings; // confidence 0.98, tolerance 0.25, min 3
  std::vector<double> baseline = {0.20, 0.21, 0.19, 0.20, 0.22, 0.20};
  std::vector<double> slow = {0.40, 0.42, 0.39, 0.41, 0.45, 0.40};
  auto high = judge_canary(slow, baseline, settings, Direction::increase_is_bad);
  CHECK(high.classification == CanaryClass::high);
  CHECK(high.worse);
  auto same = judge_canary(baseline, baseline, settings, Direction::increase_is_bad);
  CHECK(same.classification == CanaryClass::pass);
  // Significant but within tolerance (+5 %): Pass.
  std::vector<double> slightly = {0.21, 0.22, 0.20, 0.21, 0.23, 0.21};
  CHECK(judge_canary(slightly, baseline, settings, Direction::increase_is_bad).classification == CanaryClass::pass);
  // Faster canary with increase-is-bad: Low, but not worse.
  auto low = judge_canary(baseline, slow, settings, Direction::increase_is_bad);
  CHECK(low.classification == CanaryClass::low);
  CHECK_FALSE(low.worse);
  CHECK(judge_canary(baseline, slow, settings, Direction::decrease_is_bad).worse);
  auto few = judge_canary({1, 2}, {1, 2, 3}, settings, Direction::increase_is_bad);
  CHECK(few.classification == CanaryClass::nodata);
  CHECK(few.description.find("need 3 each") != std::string::npos);
}
