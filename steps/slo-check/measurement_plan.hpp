// Counting measurements as Argo Rollouts' analysis does: an objective is Failed when
// failed > failure_limit, Inconclusive when inconclusive > inconclusive_limit; the run is Error
// when consecutive measurement errors exceed consecutive_error_limit. Limits are strict (">").
#pragma once

#include "slo_policy.hpp"

#include <cstdint>
#include <string>

namespace relgate::slo
{

enum class MeasurementStatus { passed, warning, failed, inconclusive };
enum class ObjectivePhase { passed, warning, failed, inconclusive };

std::string_view phase_name(ObjectivePhase phase); // "pass", "warning", "fail", "inconclusive"
std::string_view measurement_status_name(MeasurementStatus status);

struct ObjectiveTally {
  int64_t passed = 0;
  int64_t warnings = 0;
  int64_t failed = 0;
  int64_t inconclusive = 0;

  void add(MeasurementStatus status);
  int64_t total() const { return passed + warnings + failed + inconclusive; }
};

ObjectivePhase assess_objective(const ObjectiveTally &tally, const MeasurementPlan &plan);

// Tracks errors across the run; an error does not use up one of the `count` measurements
// (Argo retries an errored measurement), a success resets the consecutive counter.
class ErrorBudget
{
public:
  explicit ErrorBudget(int64_t consecutive_error_limit) : m_limit(consecutive_error_limit) {}
  void record_success() { m_consecutive = 0; }
  void record_error(std::string message)
  {
    ++m_consecutive;
    ++m_total;
    m_last = std::move(message);
  }
  bool exhausted() const { return m_consecutive > m_limit; }
  int64_t consecutive() const { return m_consecutive; }
  int64_t total() const { return m_total; }
  int64_t limit() const { return m_limit; }
  const std::string &last_error() const { return m_last; }

private:
  int64_t m_limit;
  int64_t m_consecutive = 0;
  int64_t m_total = 0;
  std::string m_last;
};

} // namespace relgate::slo
