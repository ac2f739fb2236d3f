// Judging readings against objectives: each measurement gives every objective a status; at
// the end the tallies, the canary comparison and the score make one decision with reasons that
// carry the observed value and the threshold.
#pragma once

#include "burn_rate.hpp"
#include "mann_whitney.hpp"
#include "measurement_plan.hpp"
#include "metric_sources.hpp"
#include "scoring.hpp"
#include "slo_policy.hpp"

#include "decision.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace relgate::slo
{

// One objective's status in one measurement, with what made it so.
struct ObjectiveReading {
  std::optional<double> value; // the judged role (canary, or the only target)
  std::optional<double> baseline_value;
  MeasurementStatus status = MeasurementStatus::passed;
  bool excused = false;         // failed, but the baseline fails the same way
  std::string failed_criterion; // "> 500 ms" (the negated criterion), when failed
  std::optional<double> threshold;
  std::string note;         // no-data reason, skipped relative criterion, excuse
  bool lower_bound = false; // value is only a lower bound (Reading::lower_bound)
};

// reference: the last ALLOWed value for relative_to = last_allow (nullopt = none recorded).
ObjectiveReading evaluate_reading(const Objective &objective, const Reading &judged, const Reading *baseline,
                                  std::optional<double> last_allow_value, const CanaryComparison &canary);

struct ObjectiveResult {
  const Objective *objective = nullptr;
  std::vector<ObjectiveReading> readings; // one per successful measurement
  ObjectiveTally tally;
  ObjectivePhase phase = ObjectivePhase::passed;
  std::optional<CanaryJudgement> judgement;
  std::optional<double> last_allow_value;
  // Samples from a range query (canary, baseline); when absent, the per-measurement values are used.
  std::optional<std::pair<std::vector<double>, std::vector<double>>> range_samples;
  std::string reason; // set when the objective did not pass
};

struct Verdict {
  Decision decision = Decision::allow;
  std::vector<std::string> reasons;
  ScoreResult score;
  std::vector<ObjectiveResult> objectives;
  std::vector<BurnRateEvaluation> burn_rates;
};

// role: the judged role's name for reasons ("canary" or "target"); comparing: a baseline exists.
Verdict judge(const SloPolicy &policy, std::vector<ObjectiveResult> objectives,
              std::vector<BurnRateEvaluation> burn_rates, const std::string &role, bool comparing);

// Doubts (see Measurement::doubts) turn an ALLOW into INCONCLUSIVE and are added to the reasons
// of an INCONCLUSIVE; a DENY stays a DENY.
void apply_doubts(Verdict &verdict, const std::vector<std::string> &doubts);

} // namespace relgate::slo
