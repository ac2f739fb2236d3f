// The arithmetic behind the gate SLIs and DORA numbers, kept apart from the data so it can be
// tested alone: quantiles, ratios, lead times, change failure ratio, recovery times, trends.
#pragma once

#include "time_util.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace relgate::audit
{

// Quantile q (0..1) by linear interpolation between closest ranks (Hyndman & Fan type 7, as
// numpy and R default): {1,2,3,4} at 0.5 is 2.5. nullopt for no values.
std::optional<double> quantile(std::vector<double> values, double q);

// part / whole; nullopt when whole is 0 (no decisions: no ratio, not 0).
std::optional<double> ratio(std::size_t part, std::size_t whole);

// b - a in seconds (negative when b is earlier).
double seconds_between(TimePoint a, TimePoint b);

// Lead time for changes: deploy - commit for each pair, in seconds. Pairs where the deployment is
// not after the commit (clock skew, a re-deploy of an old commit) are left out, as DORA's Four Keys
// does with merge commits.
struct CommitDeploy {
  TimePoint commit;
  TimePoint deployed;
};
std::vector<double> lead_times_seconds(const std::vector<CommitDeploy> &pairs);

// Deployments per day over a window of days ending at now: deployments at or before now and after
// now - window_days count.
double deployments_per_day(const std::vector<TimePoint> &deployments, TimePoint now, int window_days);

// Change failure ratio: failed / deployed releases (a failed release counts once, however many
// times it was rolled back); nullopt without deployments.
std::optional<double> change_failure_ratio(std::size_t deployed_releases, std::size_t failed_releases);

// Trend of a series in time order (drill recovery times): "improving" when the newest is more than
// 10% below the mean of the ones before, "worsening" when more than 10% above, else "steady";
// "" with fewer than two values.
std::string trend(const std::vector<double> &series);

} // namespace relgate::audit
