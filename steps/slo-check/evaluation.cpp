#include "evaluation.hpp"

#include <cmath>
#include <cstdio>

namespace relgate::slo
{

namespace
{

// *skipped: the first relative criterion that had no reference to compare to (not judged).
bool criteria_hold(const std::vector<Criterion> &criteria, double value, std::optional<double> reference,
                   const Criterion **first_failed, std::optional<double> *failed_threshold, const Criterion **skipped)
{
  for (const auto &criterion : criteria) {
    auto threshold = criterion_threshold(criterion, reference);
    if (!threshold) {
      if (*skipped == nullptr)
        *skipped = &criterion;
      continue;
    }
    if (!compare(value, criterion.comparator, *threshold)) {
      *first_failed = &criterion;
      *failed_threshold = threshold;
      return false;
    }
  }
  return true;
}

// The first upper limit ("<=", "<", "=") a lower-bound value meets: met by the bound, the real
// value (anywhere above it) may still exceed it, so it shows nothing.
const Criterion *limit_met_by_lower_bound(const std::vector<Criterion> &criteria, double value,
                                          std::optional<double> reference)
{
  for (const auto &criterion : criteria) {
    const auto threshold = criterion_threshold(criterion, reference);
    const bool upper = criterion.comparator == Comparator::less || criterion.comparator == Comparator::less_equal ||
                       criterion.comparator == Comparator::equal;
    if (upper && threshold && compare(value, criterion.comparator, *threshold))
      return &criterion;
  }
  return nullptr;
}

bool absolute_criteria_fail(const std::vector<Criterion> &criteria, double value)
{
  for (const auto &criterion : criteria) {
    if (!criterion.relative && !compare(value, criterion.comparator, criterion.amount))
      return true;
  }
  return false;
}

bool worse_than(double value, double reference, Direction direction, double tolerance)
{
  if (direction == Direction::increase_is_bad)
    return value > reference + tolerance * std::fabs(reference);
  if (direction == Direction::decrease_is_bad)
    return value < reference - tolerance * std::fabs(reference);
  return false;
}

std::string describe_threshold(const Objective &objective, const Criterion &criterion, double threshold,
                               const char *reference_name)
{
  std::string text =
      std::string(negated_comparator_text(criterion.comparator)) + " " + format_value(threshold, objective.unit);
  if (criterion.relative)
    text += " (" + std::string(reference_name) + " " + criterion.text.substr(criterion.text.find_first_of("+-")) + ")";
  return text;
}

std::string count_text(int64_t n, int64_t total)
{
  return std::to_string(n) + " of " + std::to_string(total) + " measurement" + (total == 1 ? "" : "s");
}

// The reading that failed worst: the largest value for "<"/"<=" criteria, the smallest otherwise.
const ObjectiveReading *worst_failure(const ObjectiveResult &result)
{
  const ObjectiveReading *worst = nullptr;
  for (const auto &reading : result.readings) {
    if (reading.status != MeasurementStatus::failed || !reading.value)
      continue;
    if (!worst) {
      worst = &reading;
      continue;
    }
    const bool upper = reading.failed_criterion.rfind(">", 0) == 0;
    if (upper ? *reading.value > *worst->value : *reading.value < *worst->value)
      worst = &reading;
  }
  return worst;
}

std::string failure_reason(const ObjectiveResult &result, const std::string &role, const MeasurementPlan &plan,
                           double plan_tolerance)
{
  const Objective &objective = *result.objective;
  const int64_t total = result.tally.total();
  if (result.judgement && result.judgement->worse && result.tally.failed <= plan.failure_limit) {
    const auto &j = *result.judgement;
    const bool higher = objective.direction == Direction::increase_is_bad;
    const double shift = j.test.hodges_lehmann;
    const double allowed = plan_tolerance * std::fabs(j.baseline_median);
    char p_text[64];
    std::snprintf(p_text, sizeof p_text, "%.2g", higher ? j.test.p_greater : j.test.p_less);
    return objective.name + " " + format_value(j.canary_median, objective.unit) + " is significantly " +
           (higher ? "higher" : "lower") + " than baseline " + format_value(j.baseline_median, objective.unit) +
           " (Mann-Whitney p=" + p_text + " over " +
           (result.range_samples ? std::to_string(result.range_samples->first.size()) + " range samples"
                                 : std::to_string(result.readings.size()) + " measurements") +
           "; shift " + (shift >= 0 ? "+" : "-") + format_value(std::fabs(shift), objective.unit) + ", allowed " +
           format_value(allowed, objective.unit) + ")";
  }
  if (const ObjectiveReading *worst = worst_failure(result)) {
    return objective.name + " " + format_value(*worst->value, objective.unit) + " " + worst->failed_criterion +
           (objective.where.empty() ? "" : " " + objective.where) + " (" + role + ", " +
           count_text(result.tally.failed, total) + ")";
  }
  // Failures from no data (no_data = deny).
  std::string why;
  for (const auto &reading : result.readings) {
    if (!reading.value && !reading.note.empty())
      why = reading.note;
  }
  return objective.name + ": no data (" + why + "), and no_data = deny (" + role + ", " +
         count_text(result.tally.failed, total) + ")";
}

} // namespace

ObjectiveReading evaluate_reading(const Objective &objective, const Reading &judged, const Reading *baseline,
                                  std::optional<double> last_allow_value, const CanaryComparison &canary)
{
  ObjectiveReading out;
  out.value = judged.value;
  out.lower_bound = judged.lower_bound;
  if (baseline)
    out.baseline_value = baseline->value;
  if (!judged.value) {
    out.note = judged.no_data_reason;
    out.status = objective.no_data == NoDataPolicy::deny   ? MeasurementStatus::failed
                 : objective.no_data == NoDataPolicy::pass ? MeasurementStatus::passed
                                                           : MeasurementStatus::inconclusive;
    return out;
  }
  if (objective.pass.empty())
    return out; // informational
  const double value = *judged.value;
  std::optional<double> reference =
      objective.relative_to == RelativeTo::baseline ? out.baseline_value : last_allow_value;
  const Criterion *failed = nullptr;
  std::optional<double> threshold;
  const Criterion *skipped = nullptr;
  const char *reference_name = objective.relative_to == RelativeTo::baseline ? "baseline" : "last ALLOW";
  if (criteria_hold(objective.pass, value, reference, &failed, &threshold, &skipped)) {
    const Criterion *unshown =
        judged.lower_bound ? limit_met_by_lower_bound(objective.pass, value, reference) : nullptr;
    if (unshown != nullptr && (skipped == nullptr || objective.no_reference != NoDataPolicy::deny)) {
      const double limit = *criterion_threshold(*unshown, reference);
      out.status = MeasurementStatus::inconclusive;
      out.note = "at least " + format_value(value, objective.unit) +
                 " (the quantile falls in the histogram's +Inf bucket, above its highest finite bound), so \"" +
                 unshown->text + "\" cannot be shown; add buckets up to " + format_value(limit, objective.unit) +
                 " or more";
      return out;
    }
    if (skipped == nullptr)
      return out;
    // No reference never vouches for the canary (an empty baseline scrape, a first release):
    // inconclusive or failed, unless the policy explicitly keeps Keptn's skip (no_reference = "pass").
    if (objective.no_reference == NoDataPolicy::pass) {
      out.note = std::string("relative criterion skipped: no ") + reference_name + " value";
      return out;
    }
    out.note = std::string("no ") + reference_name + " value for the relative criterion \"" + skipped->text +
               "\" (no_reference = " + (objective.no_reference == NoDataPolicy::deny ? "deny" : "inconclusive") + ")";
    if (objective.no_reference == NoDataPolicy::deny) {
      out.status = MeasurementStatus::failed;
      out.failed_criterion = "unjudged: " + out.note;
    } else {
      out.status = MeasurementStatus::inconclusive;
    }
    return out;
  }
  out.failed_criterion = describe_threshold(objective, *failed, *threshold, reference_name);
  out.threshold = threshold;
  const Criterion *warning_failed = nullptr;
  std::optional<double> warning_threshold;
  const Criterion *warning_skipped = nullptr;
  if (!judged.lower_bound && !objective.warning.empty() && // a lower bound shows no limit met
      criteria_hold(objective.warning, value, reference, &warning_failed, &warning_threshold, &warning_skipped) &&
      (warning_skipped == nullptr || objective.no_reference == NoDataPolicy::pass)) {
    out.status = MeasurementStatus::warning;
    return out;
  }
  out.status = MeasurementStatus::failed;
  // A canary merely as bad as its baseline is not blamed: the environment is, and a rollback of
  // the canary would not fix it. Only for absolute criteria the baseline fails too.
  if (canary.excuse_if_baseline_fails && !judged.lower_bound && !failed->relative && out.baseline_value &&
      absolute_criteria_fail(objective.pass, *out.baseline_value) &&
      !worse_than(value, *out.baseline_value, objective.direction, canary.tolerance)) {
    out.status = MeasurementStatus::passed;
    out.excused = true;
    out.note = "canary " + format_value(value, objective.unit) + " fails like the baseline " +
               format_value(*out.baseline_value, objective.unit) + ": not blamed on the canary";
  }
  return out;
}

Verdict judge(const SloPolicy &policy, std::vector<ObjectiveResult> objectives,
              std::vector<BurnRateEvaluation> burn_rates, const std::string &role, bool comparing)
{
  Verdict verdict;
  std::vector<ScoredObjective> scored;
  std::vector<std::string> failures, inconclusive;
  for (auto &result : objectives) {
    const Objective &objective = *result.objective;
    result.phase = assess_objective(result.tally, policy.plan);
    if (comparing && objective.direction != Direction::none) {
      std::vector<double> canary_samples, baseline_samples;
      for (const auto &reading : result.readings) {
        if (reading.value && !std::isnan(*reading.value))
          canary_samples.push_back(*reading.value);
        if (reading.baseline_value && !std::isnan(*reading.baseline_value))
          baseline_samples.push_back(*reading.baseline_value);
      }
      if (result.range_samples) {
        canary_samples = result.range_samples->first;
        baseline_samples = result.range_samples->second;
      }
      result.judgement = judge_canary(canary_samples, baseline_samples, policy.canary, objective.direction);
      if (result.judgement->worse)
        result.phase = ObjectivePhase::failed;
    }
    if (result.phase == ObjectivePhase::failed) {
      result.reason = failure_reason(result, role, policy.plan, policy.canary.tolerance);
      failures.push_back(result.reason +
                         (objective.key ? "" : " [weight " + format_value(objective.weight, Unit::number) + "]"));
    } else if (result.phase == ObjectivePhase::inconclusive) {
      std::string why;
      bool measured = false; // a value without its reference, rather than no value
      for (const auto &reading : result.readings) {
        if (reading.status == MeasurementStatus::inconclusive && !reading.note.empty()) {
          why = reading.note;
          measured = reading.value.has_value();
        }
      }
      result.reason = objective.name + (measured ? ": not judged in " : ": no data in ") +
                      count_text(result.tally.inconclusive, result.tally.total()) + " (" + why +
                      "); inconclusive_limit " + std::to_string(policy.plan.inconclusive_limit);
      inconclusive.push_back(result.reason);
    }
    scored.push_back({objective.weight, objective.key, !objective.pass.empty(), result.phase});
  }
  bool burn_firing = false;
  for (const auto &evaluation : burn_rates) {
    if (evaluation.firing) {
      burn_firing = true;
      failures.push_back("error budget burning too fast: " + evaluation.description);
    } else if (!evaluation.long_ratio || !evaluation.short_ratio) {
      // A window without data cannot say the budget is safe (no traffic, or no status label).
      inconclusive.push_back("error budget not measured: " + evaluation.description +
                             " (no requests with a status label in the window)");
    }
  }
  verdict.score = compute_score(scored);
  const ScoreBand band = score_band(verdict.score.total, policy.score);
  char score_text[160];
  std::snprintf(score_text, sizeof score_text, "score %.4g%% (pass >= %.4g%%, warning >= %.4g%%)", verdict.score.total,
                policy.score.pass, policy.score.warning);
  if (verdict.score.key_failed || burn_firing || band == ScoreBand::fail) {
    verdict.decision = Decision::deny;
    verdict.reasons = failures;
    if (!verdict.score.key_failed && !burn_firing)
      verdict.reasons.push_back(std::string("total ") + score_text);
  } else if (!inconclusive.empty() || band == ScoreBand::warning) {
    verdict.decision = Decision::inconclusive;
    verdict.reasons = inconclusive;
    for (const auto &failure : failures)
      verdict.reasons.push_back(failure);
    if (band == ScoreBand::warning)
      verdict.reasons.push_back(std::string("total ") + score_text + ": needs a human");
  } else {
    verdict.decision = Decision::allow;
    verdict.reasons = failures; // non-key failures that the score absorbed are still worth saying
  }
  verdict.objectives = std::move(objectives);
  verdict.burn_rates = std::move(burn_rates);
  return verdict;
}

void apply_doubts(Verdict &verdict, const std::vector<std::string> &doubts)
{
  if (doubts.empty() || verdict.decision == Decision::deny || verdict.decision == Decision::error)
    return;
  if (verdict.decision == Decision::allow) {
    verdict.decision = Decision::inconclusive;
    verdict.reasons.clear(); // the absorbed non-key failures are not why it is inconclusive
  }
  for (const auto &doubt : doubts)
    verdict.reasons.push_back(doubt);
}

} // namespace relgate::slo
