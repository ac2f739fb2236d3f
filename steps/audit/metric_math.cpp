#include "metric_math.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace relgate::audit
{

std::optional<double> quantile(std::vector<double> values, double q)
{
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return !std::isfinite(v); }), values.end());
  if (values.empty())
    return std::nullopt;
  std::sort(values.begin(), values.end());
  q = std::clamp(q, 0.0, 1.0);
  const double rank = q * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(rank));
  const auto upper = std::min(lower + 1, values.size() - 1);
  const double fraction = rank - static_cast<double>(lower);
  return values[lower] + (values[upper] - values[lower]) * fraction;
}

std::optional<double> ratio(std::size_t part, std::size_t whole)
{
  if (whole == 0)
    return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

double seconds_between(TimePoint a, TimePoint b)
{
  return std::chrono::duration<double>(b - a).count();
}

std::vector<double> lead_times_seconds(const std::vector<CommitDeploy> &pairs)
{
  std::vector<double> result;
  for (const auto &pair : pairs) {
    const double seconds = seconds_between(pair.commit, pair.deployed);
    if (seconds > 0)
      result.push_back(seconds);
  }
  return result;
}

double deployments_per_day(const std::vector<TimePoint> &deployments, TimePoint now, int window_days)
{
  if (window_days <= 0)
    return 0;
  const TimePoint start = now - std::chrono::hours(24) * window_days;
  const auto count = std::count_if(deployments.begin(), deployments.end(),
                                   [&](TimePoint time) { return time > start && time <= now; });
  return static_cast<double>(count) / static_cast<double>(window_days);
}

std::optional<double> change_failure_ratio(std::size_t deployed_releases, std::size_t failed_releases)
{
  return ratio(std::min(failed_releases, deployed_releases), deployed_releases);
}

std::string trend(const std::vector<double> &series)
{
  if (series.size() < 2)
    return "";
  double sum = 0;
  for (std::size_t i = 0; i + 1 < series.size(); ++i)
    sum += series[i];
  const double mean = sum / static_cast<double>(series.size() - 1);
  const double last = series.back();
  if (last < mean * 0.9)
    return "improving";
  if (last > mean * 1.1)
    return "worsening";
  return "steady";
}

} // namespace relgate::audit
