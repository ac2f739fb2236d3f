#include "mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace relgate::slo
{

namespace
{

double normal_upper_tail(double z)
{
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

} // namespace

double median(std::vector<double> values)
{
  if (values.empty())
    return std::nan("");
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

MannWhitneyResult mann_whitney(const std::vector<double> &canary, const std::vector<double> &baseline)
{
  MannWhitneyResult result;
  const double n1 = static_cast<double>(canary.size());
  const double n2 = static_cast<double>(baseline.size());
  if (canary.empty() || baseline.empty())
    return result;

  // Average ranks over the pooled sample; ties share the mean of their ranks.
  std::vector<std::pair<double, int>> pooled;
  for (double v : canary)
    pooled.emplace_back(v, 0);
  for (double v : baseline)
    pooled.emplace_back(v, 1);
  std::sort(pooled.begin(), pooled.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
  const double total = n1 + n2;
  double canary_rank_sum = 0;
  double tie_term = 0;
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first)
      ++j;
    const double tied = static_cast<double>(j - i);
    const double rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (std::size_t k = i; k < j; ++k) {
      if (pooled[k].second == 0)
        canary_rank_sum += rank;
    }
    tie_term += tied * tied * tied - tied;
    i = j;
  }
  result.u = canary_rank_sum - n1 * (n1 + 1) / 2.0;
  const double mean = n1 * n2 / 2.0;
  const double variance = n1 * n2 / 12.0 * ((total + 1) - tie_term / (total * (total - 1)));
  if (variance > 0) {
    const double sd = std::sqrt(variance);
    result.z = (result.u - mean) / sd;
    result.p_greater = normal_upper_tail((result.u - mean - 0.5) / sd);
    result.p_less = 1.0 - normal_upper_tail((result.u - mean + 0.5) / sd);
  }
  std::vector<double> differences;
  differences.reserve(canary.size() * baseline.size());
  for (double x : canary) {
    for (double y : baseline)
      differences.push_back(x - y);
  }
  result.hodges_lehmann = median(std::move(differences));
  return result;
}

std::string_view canary_class_name(CanaryClass c)
{
  switch (c) {
  case CanaryClass::pass:
    return "Pass";
  case CanaryClass::high:
    return "High";
  case CanaryClass::low:
    return "Low";
  case CanaryClass::nodata:
    return "Nodata";
  }
  return "?";
}

CanaryJudgement judge_canary(const std::vector<double> &canary, const std::vector<double> &baseline,
                             const CanaryComparison &settings, Direction direction)
{
  CanaryJudgement judgement;
  char buffer[256];
  const auto min_samples = static_cast<std::size_t>(settings.min_samples);
  if (canary.size() < min_samples || baseline.size() < min_samples) {
    std::snprintf(buffer, sizeof buffer, "Mann-Whitney skipped: %zu canary and %zu baseline samples (need %zu each)",
                  canary.size(), baseline.size(), min_samples);
    judgement.description = buffer;
    return judgement;
  }
  judgement.test = mann_whitney(canary, baseline);
  judgement.baseline_median = median(baseline);
  judgement.canary_median = median(canary);
  const double alpha = 1.0 - settings.confidence;
  const double allowed_shift = settings.tolerance * std::fabs(judgement.baseline_median);
  const double shift = judgement.test.hodges_lehmann;
  if (judgement.test.p_greater < alpha && shift > allowed_shift) {
    judgement.classification = CanaryClass::high;
  } else if (judgement.test.p_less < alpha && -shift > allowed_shift) {
    judgement.classification = CanaryClass::low;
  } else {
    judgement.classification = CanaryClass::pass;
  }
  judgement.worse = (direction == Direction::increase_is_bad && judgement.classification == CanaryClass::high) ||
                    (direction == Direction::decrease_is_bad && judgement.classification == CanaryClass::low);
  std::snprintf(buffer, sizeof buffer,
                "Mann-Whitney %s: p(canary higher)=%.3g, p(canary lower)=%.3g, alpha %.3g, shift %.4g (allowed %.4g)",
                std::string(canary_class_name(judgement.classification)).c_str(), judgement.test.p_greater,
                judgement.test.p_less, alpha, shift, allowed_shift);
  judgement.description = buffer;
  return judgement;
}

} // namespace relgate::slo
