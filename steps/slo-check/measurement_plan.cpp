#include "measurement_plan.hpp"

namespace relgate::slo
{

std::string_view phase_name(ObjectivePhase phase)
{
  switch (phase) {
  case ObjectivePhase::passed:
    return "pass";
  case ObjectivePhase::warning:
    return "warning";
  case ObjectivePhase::failed:
    return "fail";
  case ObjectivePhase::inconclusive:
    return "inconclusive";
  }
  return "?";
}

std::string_view measurement_status_name(MeasurementStatus status)
{
  switch (status) {
  case MeasurementStatus::passed:
    return "pass";
  case MeasurementStatus::warning:
    return "warning";
  case MeasurementStatus::failed:
    return "fail";
  case MeasurementStatus::inconclusive:
    return "inconclusive";
  }
  return "?";
}

void ObjectiveTally::add(MeasurementStatus status)
{
  switch (status) {
  case MeasurementStatus::passed:
    ++passed;
    break;
  case MeasurementStatus::warning:
    ++warnings;
    break;
  case MeasurementStatus::failed:
    ++failed;
    break;
  case MeasurementStatus::inconclusive:
    ++inconclusive;
    break;
  }
}

ObjectivePhase assess_objective(const ObjectiveTally &tally, const MeasurementPlan &plan)
{
  // Failed wins over Inconclusive, as in Argo's phase order.
  if (tally.failed > plan.failure_limit)
    return ObjectivePhase::failed;
  if (tally.inconclusive > plan.inconclusive_limit)
    return ObjectivePhase::inconclusive;
  if (tally.warnings > 0 || tally.failed > 0)
    return ObjectivePhase::warning;
  return ObjectivePhase::passed;
}

} // namespace relgate::slo
