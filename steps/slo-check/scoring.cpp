#include "scoring.hpp"

namespace relgate::slo
{

ScoreResult compute_score(const std::vector<ScoredObjective> &objectives)
{
  ScoreResult result;
  for (const auto &objective : objectives) {
    if (!objective.scored)
      continue;
    if (objective.phase == ObjectivePhase::inconclusive) {
      // Not known either way: left out of the total; the decision becomes INCONCLUSIVE instead.
      ++result.inconclusive;
      continue;
    }
    result.possible += objective.weight;
    if (objective.phase == ObjectivePhase::passed)
      result.earned += objective.weight;
    if (objective.phase == ObjectivePhase::warning)
      result.earned += objective.weight / 2.0;
    if (objective.phase == ObjectivePhase::failed && objective.key)
      result.key_failed = true;
  }
  if (result.possible > 0)
    result.total = 100.0 * result.earned / result.possible;
  return result;
}

ScoreBand score_band(double total, const ScorePolicy &policy)
{
  if (total >= policy.pass)
    return ScoreBand::pass;
  if (total >= policy.warning)
    return ScoreBand::warning;
  return ScoreBand::fail;
}

} // namespace relgate::slo
