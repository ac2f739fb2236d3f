#include "metric_math.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>

using namespace relgate;
using namespace relgate::audit;

namespace
{
TimePoint at(const char *text)
{
  return *parse_rfc3339(text);
}
} // namespace

TEST_CASE("quantile interpolates between closest ranks")
{
  CHECK(!quantile({}, 0.5));
  CHECK(*quantile({7}, 0.99) == doctest::Approx(7));
  CHECK(*quantile({4, 1, 3, 2}, 0.5) == doctest::Approx(2.5));
  CHECK(*quantile({1, 2, 3, 4}, 0) == doctest::Approx(1));
  CHECK(*quantile({1, 2, 3, 4}, 1) == doctest::Approx(4));
  // p99 of 1..100: rank 98.01 -> 99.01
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i)
    hundred.push_back(i);
  CHECK(*quantile(hundred, 0.99) == doctest::Approx(99.01));
  CHECK(*quantile({1, NAN, 3}, 0.5) == doctest::Approx(2)); // NaN is not a measurement
}

TEST_CASE("deny ratio has no value without decisions")
{
  CHECK(!ratio(0, 0));
  CHECK(*ratio(1, 3) == doctest::Approx(1.0 / 3));
  CHECK(*ratio(0, 5) == doctest::Approx(0));
}

TEST_CASE("lead time: deploy minus commit, non-positive pairs left out")
{
  const auto times = lead_times_seconds({{at("2026-11-17T08:00:00Z"), at("2026-11-17T11:00:00Z")},
                                         {at("2026-11-18T08:00:00Z"), at("2026-11-18T08:00:00Z")},
                                         {at("2026-11-19T10:00:00Z"), at("2026-11-19T09:00:00Z")},
                                         {at("2026-11-20T08:00:00.500Z"), at("2026-11-20T08:00:01Z")}});
  REQUIRE(times.size() == 2);
  CHECK(times[0] == doctest::Approx(10800));
  CHECK(times[1] == doctest::Approx(0.5));
  CHECK(*quantile(times, 0.5) == doctest::Approx(5400.25));
}

TEST_CASE("change failure ratio counts releases, never above 1")
{
  CHECK(!change_failure_ratio(0, 0));
  CHECK(*change_failure_ratio(4, 1) == doctest::Approx(0.25));
  CHECK(*change_failure_ratio(2, 5) == doctest::Approx(1));
}

TEST_CASE("deployment frequency over a window ending now")
{
  const TimePoint now = at("2026-11-30T00:00:00Z");
  const std::vector<TimePoint> deployments{at("2026-10-01T00:00:00Z"), at("2026-10-31T00:00:00Z"),
                                           at("2026-11-15T00:00:00Z"), at("2026-11-29T23:59:59Z"),
                                           at("2026-12-01T00:00:00Z")};
  // 2026-10-31T00:00 is exactly 30 days before: outside (the window is (now-30d, now]).
  CHECK(deployments_per_day(deployments, now, 30) == doctest::Approx(2.0 / 30));
  CHECK(deployments_per_day(deployments, now, 0) == doctest::Approx(0));
}

TEST_CASE("recovery time is seconds between the DENY and the rollback")
{
  CHECK(seconds_between(at("2026-11-18T10:40:00Z"), at("2026-11-18T10:45:00Z")) == doctest::Approx(300));
  CHECK(seconds_between(at("2026-11-18T10:45:00Z"), at("2026-11-18T10:40:00Z")) == doctest::Approx(-300));
}

TEST_CASE("drill trend compares the newest with the mean before it")
{
  CHECK(trend({}) == "");
  CHECK(trend({1800}) == "");
  CHECK(trend({1800, 1700, 1500}) == "improving");
  CHECK(trend({1500, 1500, 1800}) == "worsening");
  CHECK(trend({1500, 1600, 1560}) == "steady");
}
