#include "histogram_quantile.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace relgate::slo
{

namespace
{

// Buckets sharing an upper bound (e.g. "1" and "1.0" from two exporters) are added together.
std::vector<Bucket> coalesce(const std::vector<Bucket> &sorted)
{
  std::vector<Bucket> merged;
  for (const Bucket &bucket : sorted) {
    if (!merged.empty() && merged.back().upper_bound == bucket.upper_bound) {
      merged.back().count += bucket.count;
    } else {
      merged.push_back(bucket);
    }
  }
  return merged;
}

// A count lower than a lower bucket's is raised to it: the binary search needs monotonic counts.
void ensure_monotonic(std::vector<Bucket> &buckets)
{
  double max = -std::numeric_limits<double>::infinity();
  for (Bucket &bucket : buckets) {
    if (bucket.count > max) {
      max = bucket.count;
    } else if (bucket.count < max) {
      bucket.count = max;
    }
  }
}

} // namespace

double histogram_quantile(double q, std::vector<Bucket> buckets)
{
  return estimate_quantile(q, std::move(buckets)).value;
}

QuantileEstimate estimate_quantile(double q, std::vector<Bucket> buckets)
{
  const QuantileEstimate nan{std::numeric_limits<double>::quiet_NaN(), false};
  if (std::isnan(q))
    return nan;
  if (q < 0)
    return {-std::numeric_limits<double>::infinity(), false};
  if (q > 1)
    return {std::numeric_limits<double>::infinity(), false};
  if (buckets.empty())
    return nan;
  std::stable_sort(buckets.begin(), buckets.end(),
                   [](const Bucket &a, const Bucket &b) { return a.upper_bound < b.upper_bound; });
  if (!(std::isinf(buckets.back().upper_bound) && buckets.back().upper_bound > 0))
    return nan;
  buckets = coalesce(buckets);
  ensure_monotonic(buckets);
  if (buckets.size() < 2)
    return nan;
  const double observations = buckets.back().count;
  if (observations == 0)
    return nan;
  double rank = q * observations;
  // First bucket (the +Inf one excluded) whose count reaches the rank: Go's sort.Search, kept as a
  // binary search so odd inputs (NaN counts) pick the same bucket as Prometheus.
  std::size_t low = 0;
  std::size_t high = buckets.size() - 1;
  while (low < high) {
    std::size_t mid = (low + high) / 2;
    if (!(buckets[mid].count >= rank)) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  const std::size_t b = low;
  if (b == buckets.size() - 1)
    return {buckets[buckets.size() - 2].upper_bound, true};
  if (b == 0 && buckets[0].upper_bound <= 0)
    return {buckets[0].upper_bound, false};
  double bucket_start = 0;
  double bucket_end = buckets[b].upper_bound;
  double count = buckets[b].count;
  if (b > 0) {
    bucket_start = buckets[b - 1].upper_bound;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return {bucket_start + (bucket_end - bucket_start) * (rank / count), false};
}

} // namespace relgate::slo
