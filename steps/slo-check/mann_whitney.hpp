// Mann-Whitney U (Wilcoxon rank-sum) test of canary against baseline samples, with the
// Hodges-Lehmann shift estimate, as Kayenta's judge compares a metric between the two.
#pragma once

#include "slo_policy.hpp"

#include <string>
#include <vector>

namespace relgate::slo
{

struct MannWhitneyResult {
  double u = 0;              // U statistic of the canary sample
  double z = 0;              // normal approximation (tie- and continuity-corrected)
  double p_greater = 1;      // one-sided: canary stochastically greater than baseline
  double p_less = 1;         // one-sided: canary stochastically smaller
  double hodges_lehmann = 0; // median of all pairwise differences canary - baseline
};

MannWhitneyResult mann_whitney(const std::vector<double> &canary, const std::vector<double> &baseline);

enum class CanaryClass { pass, high, low, nodata };
std::string_view canary_class_name(CanaryClass c); // "Pass", "High", "Low", "Nodata"

struct CanaryJudgement {
  CanaryClass classification = CanaryClass::nodata;
  MannWhitneyResult test;
  double baseline_median = 0;
  double canary_median = 0;
  bool worse = false; // High for increase-is-bad, Low for decrease-is-bad
  std::string description;
};

// High when p_greater < 1 - confidence and the shift exceeds tolerance * |baseline median|
// (Low symmetrically). Fewer than min_samples per side: Nodata.
CanaryJudgement judge_canary(const std::vector<double> &canary, const std::vector<double> &baseline,
                             const CanaryComparison &settings, Direction direction);

double median(std::vector<double> values);

} // namespace relgate::slo
