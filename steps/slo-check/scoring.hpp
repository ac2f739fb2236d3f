// The total score (Keptn quality gates): a passing objective earns its weight, a warning half
// of it, a failure nothing; the total is 100 * earned / possible over objectives with criteria.
#pragma once

#include "measurement_plan.hpp"

#include <optional>
#include <vector>

namespace relgate::slo
{

struct ScoredObjective {
  double weight = 1;
  bool key = false;
  bool scored = true; // false for informational objectives (no pass criteria)
  ObjectivePhase phase = ObjectivePhase::passed;
};

struct ScoreResult {
  double total = 100; // percent; 100 when nothing is scored
  double earned = 0;
  double possible = 0;
  bool key_failed = false;
  int inconclusive = 0; // scored objectives left out of the total
};

ScoreResult compute_score(const std::vector<ScoredObjective> &objectives);

enum class ScoreBand { pass, warning, fail };
ScoreBand score_band(double total, const ScorePolicy &policy);

} // namespace relgate::slo
