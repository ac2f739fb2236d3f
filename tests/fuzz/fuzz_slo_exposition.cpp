// Fuzzes the exposition parser and everything computed from a scrape: deltas and quantiles.
// Property: accepted scrapes give an error rate in [0, 1] and finite quantiles >= 0 (bad data is
// an error, never a number a criterion could pass).
#include "exposition.hpp"
#include "histogram_quantile.hpp"
#include "scrape_delta.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  std::string_view text(reinterpret_cast<const char *>(data), size);
  // The input may hold two scrapes separated by a form feed: before and after.
  const std::size_t split = text.find('\f');
  std::string_view first = split == std::string_view::npos ? std::string_view() : text.substr(0, split);
  std::string_view second = split == std::string_view::npos ? text : text.substr(split + 1);
  auto before = relgate::slo::parse_exposition(first, "before");
  auto after = relgate::slo::parse_exposition(second, "after");
  if (!after)
    return 0;
  relgate::slo::Exposition empty;
  auto stats =
      relgate::slo::compute_window_stats(before ? *before : empty, *after, relgate::slo::HttpMetricNames{}, 30);
  if (!stats)
    return 0;
  if (auto rate = relgate::slo::error_rate(*stats); rate && !(*rate >= 0 && *rate <= 1))
    __builtin_trap();
  (void)relgate::slo::request_rate(*stats);
  (void)relgate::slo::latency_mean(*stats);
  for (double q : {0.0, 0.5, 0.99, 1.0}) {
    if (auto value = relgate::slo::latency_quantile(*stats, q); value && !(std::isfinite(*value) && *value >= 0))
      __builtin_trap();
  }
  return 0;
}
