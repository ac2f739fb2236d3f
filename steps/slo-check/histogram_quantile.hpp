// histogram_quantile over classic buckets, as Prometheus 2.42 computes it (promql/quantile.go).
#pragma once

#include <vector>

namespace relgate::slo
{

struct Bucket {
  double upper_bound = 0; // the "le" label
  double count = 0;       // cumulative
};

// Steps: q NaN -> NaN, q < 0 -> -Inf, q > 1 -> +Inf; sort by le; highest must be +Inf (else
// NaN); merge equal le; force monotonic counts; < 2 buckets or 0 observations -> NaN; then
// linear interpolation inside the bucket holding rank q*total (the +Inf bucket answers with the
// second-highest bound; a first bucket with bound <= 0 answers with its bound).
double histogram_quantile(double q, std::vector<Bucket> buckets);

struct QuantileEstimate {
  double value = 0; // histogram_quantile's answer
  // The rank fell in the +Inf bucket: value is the highest finite bound and the quantile is only
  // known to be at least that (every request 30 s, largest bound 0.25 s: "250 ms").
  bool lower_bound = false;
};
QuantileEstimate estimate_quantile(double q, std::vector<Bucket> buckets);

} // namespace relgate::slo
