#include "burn_rate.hpp"

#include <cstdio>

namespace relgate::slo
{

double burn_rate(double error_ratio, double target)
{
  return error_ratio / (1.0 - target);
}

double budget_consumed(const BurnRateWindow &window, Duration period)
{
  return window.factor * static_cast<double>(window.long_window.count()) / static_cast<double>(period.count());
}

BurnRateEvaluation evaluate_burn_window(const BurnRateWindow &window, double target, std::optional<double> long_ratio,
                                        std::optional<double> short_ratio)
{
  BurnRateEvaluation evaluation{window, long_ratio, short_ratio, false, {}};
  const std::string windows = format_duration(window.long_window) + "/" + format_duration(window.short_window);
  char buffer[200];
  if (!long_ratio || !short_ratio) {
    std::snprintf(buffer, sizeof buffer, "%s burn rate: no data", windows.c_str());
    evaluation.description = buffer;
    return evaluation;
  }
  const double long_rate = burn_rate(*long_ratio, target);
  const double short_rate = burn_rate(*short_ratio, target);
  evaluation.firing = long_rate > window.factor && short_rate > window.factor;
  std::snprintf(buffer, sizeof buffer, "%s burn rate %.3g/%.3g %s %.3g (SLO %.6g%%)", windows.c_str(), long_rate,
                short_rate, evaluation.firing ? ">" : "within", window.factor, target * 100.0);
  evaluation.description = buffer;
  return evaluation;
}

} // namespace relgate::slo
