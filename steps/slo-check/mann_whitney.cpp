#include "mann_whitney.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace relgate::slo
{

namespace
{

double normal_upper_tail(double z)
{
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

// Doubles in order as unsigned integers (NaN excluded), so a bisection can walk every double.
std::uint64_t order_key(double value)
{
  const auto bits = std::bit_cast<std::uint64_t>(value);
  constexpr std::uint64_t sign = std::uint64_t(1) << 63;
  return (bits & sign) != 0 ? ~bits : bits | sign;
}

double from_order_key(std::uint64_t key)
{
  constexpr std::uint64_t sign = std::uint64_t(1) << 63;
  return std::bit_cast<double>((key & sign) != 0 ? key ^ sign : ~key);
}

// How many differences x - y (as computed in doubles) are <= t; x and y sorted. A computed
// difference is monotone in each operand, so two pointers count them in O(n + m).
std::uint64_t differences_at_most(const std::vector<double> &x, const std::vector<double> &y, double t)
{
  std::uint64_t count = 0;
  std::size_t first = 0; // the first y with x - y <= t; moves right as x grows
  for (const double xi : x) {
    while (first < y.size() && xi - y[first] > t)
      ++first;
    count += y.size() - first;
  }
  return count;
}

// The k-th smallest (1-based) of all n*m differences x - y without building them: the smallest
// double t with k differences <= t, by bisection over the doubles (at most 64 counting passes).
double kth_difference(const std::vector<double> &x, const std::vector<double> &y, std::uint64_t k)
{
  std::uint64_t low = order_key(x.front() - y.back());
  std::uint64_t high = order_key(x.back() - y.front());
  while (low < high) {
    const std::uint64_t middle = low + (high - low) / 2;
    if (differences_at_most(x, y, from_order_key(middle)) >= k)
      high = middle;
    else
      low = middle + 1;
  }
  return from_order_key(low) + 0.0; // +0 rather than -0 when the difference is zero
}

// The Hodges-Lehmann shift, the median of every difference canary - baseline, in O((n + m) log)
// time and O(n + m) memory: a hostile range answer cannot make it quadratic.
double median_of_differences(std::vector<double> canary, std::vector<double> baseline)
{
  std::sort(canary.begin(), canary.end());
  std::sort(baseline.begin(), baseline.end());
  const std::uint64_t total = std::uint64_t(canary.size()) * baseline.size();
  if (total % 2 == 1)
    return kth_difference(canary, baseline, total / 2 + 1);
  return (kth_difference(canary, baseline, total / 2) + kth_difference(canary, baseline, total / 2 + 1)) / 2.0;
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
  result.hodges_lehmann = median_of_differences(canary, baseline);
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
