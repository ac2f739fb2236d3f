// Bad data never reaches a criterion, and nothing prints "nan" or "inf" (issue 9, point 8).
#include "evaluation.hpp"
#include "metric_sources.hpp"

#include <doctest/doctest.h>

#include <limits>

using namespace relgate;
using namespace relgate::slo;

namespace
{

const double inf = std::numeric_limits<double>::infinity();
const double nan = std::numeric_limits<double>::quiet_NaN();

Objective objective(const char *name, const char *metric, const char *pass)
{
  Objective out;
  out.name = name;
  out.metric = *parse_metric_name(metric);
  out.pass.push_back(*parse_criterion(pass));
  return out;
}

Measurement one_reading(std::optional<double> value, const char *role = "canary")
{
  Measurement measurement;
  measurement.readings[role].push_back(Reading{value, value ? "" : "no data"});
  return measurement;
}

} // namespace

TEST_CASE("readings: NaN, +-Inf, and negative built-in values are bad data, named")
{
  const std::vector<Objective> p99 = {objective("p99 latency", "p99_latency", "<= 500ms")};
  CHECK(check_readings(p99, one_reading(0.25)).ok());
  CHECK(check_readings(p99, one_reading(std::nullopt)).ok()); // no data is the no_data policy's business
  auto minus_inf = check_readings(p99, one_reading(-inf));    // "-inf ms" passed "<= 500ms"
  REQUIRE_FALSE(minus_inf.ok());
  CHECK(minus_inf.message().find("p99 latency (canary) measured -Inf") == 0);
  CHECK_FALSE(check_readings(p99, one_reading(inf)).ok());
  CHECK_FALSE(check_readings(p99, one_reading(nan)).ok());
  CHECK(check_readings(p99, one_reading(-0.001)).message().find("measured -0.001") != std::string::npos);
  const std::vector<Objective> availability = {objective("availability", "availability", ">= 99.9%")};
  CHECK_FALSE(check_readings(availability, one_reading(inf, "baseline")).ok()); // +Inf >= 99.9% held
  // A PromQL objective may be negative (a delta), never a non-number.
  Objective query;
  query.name = "queue delta";
  query.metric.kind = MetricSpec::Kind::query;
  query.metric.query = "delta(queue[5m])";
  CHECK(check_readings({query}, one_reading(-4)).ok());
  CHECK_FALSE(check_readings({query}, one_reading(-inf)).ok());
}

TEST_CASE("criteria never hold for a non-number, and values never print as nan/inf")
{
  CHECK_FALSE(compare(-inf, Comparator::less_equal, 0.5));
  CHECK_FALSE(compare(inf, Comparator::greater_equal, 0.999));
  CHECK_FALSE(compare(nan, Comparator::less, 1));
  CHECK_FALSE(compare(0.2, Comparator::less_equal, inf)); // a relative threshold that overflowed
  for (double bad : {inf, -inf, nan}) {
    for (Unit unit : {Unit::seconds, Unit::ratio, Unit::per_second, Unit::number}) {
      const std::string text = format_value(bad, unit);
      CHECK(text.find("inf") == std::string::npos);
      CHECK(text.find("nan") == std::string::npos);
    }
  }
  CHECK(prometheus_value_text(-inf) == "-Inf");
  CHECK(prometheus_value_text(nan) == "NaN");
  CHECK(prometheus_value_text(0.75) == "0.75");
}

TEST_CASE("doubts (counter resets) turn an ALLOW into INCONCLUSIVE, never soften a DENY")
{
  Verdict allow;
  allow.decision = Decision::allow;
  allow.reasons = {"absorbed non-key failure"};
  apply_doubts(allow, {"target: counters went down"});
  CHECK(allow.decision == Decision::inconclusive);
  CHECK(allow.reasons == std::vector<std::string>{"target: counters went down"});
  Verdict deny;
  deny.decision = Decision::deny;
  deny.reasons = {"error rate 11% > 1%"};
  apply_doubts(deny, {"target: counters went down"});
  CHECK(deny.decision == Decision::deny);
  Verdict unchanged;
  apply_doubts(unchanged, {});
  CHECK(unchanged.decision == Decision::allow);
}
