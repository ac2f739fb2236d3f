// Multiwindow, multi-burn-rate alerts (Google SRE workbook, ch. 5): an alert fires when both
// the long and the short window burn the error budget faster than `factor` times the rate that
// would exactly spend it over the SLO period.
#pragma once

#include "slo_policy.hpp"

#include <optional>
#include <string>

namespace relgate::slo
{

// burn rate = error ratio / (1 - target)
double burn_rate(double error_ratio, double target);

struct BurnRateEvaluation {
  BurnRateWindow window;
  std::optional<double> long_ratio; // error ratio over the long window (nullopt: no data)
  std::optional<double> short_ratio;
  bool firing = false;
  std::string description; // "1h/5m burn rate 20.1/18.3 > 14.4"
};

BurnRateEvaluation evaluate_burn_window(const BurnRateWindow &window, double target, std::optional<double> long_ratio,
                                        std::optional<double> short_ratio);

// The workbook's budget share a window's factor spends: factor * long / period (14.4 * 1h / 30d = 2%).
double budget_consumed(const BurnRateWindow &window, Duration period);

} // namespace relgate::slo
