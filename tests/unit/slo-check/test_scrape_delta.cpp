#include "scrape_delta.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace relgate::slo;

namespace
{

Exposition parse(const char *text)
{
  auto parsed = parse_exposition(text, "test");
  REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.message()));
  return *parsed;
}

const char *before_text = R"(http_requests_total{method="GET",status_code="200"} 100
http_requests_total{method="GET",status_code="503"} 10
http_request_duration_seconds_bucket{path="/a",le="0.1"} 10
http_request_duration_seconds_bucket{path="/a",le="0.5"} 20
http_request_duration_seconds_bucket{path="/a",le="+Inf"} 20
http_request_duration_seconds_sum{path="/a"} 3
http_request_duration_seconds_count{path="/a"} 20
)";

} // namespace

TEST_CASE("counter deltas: increase, reset, new series")
{
  CHECK(counter_delta(10.0, 15) == 5);
  CHECK(counter_delta(10.0, 4) == 4); // reset: the counter restarted from zero
  CHECK(counter_delta(std::nullopt, 7) == 7);
  CHECK(counter_delta(3.0, 3) == 0);
}

TEST_CASE("window figures from two scrapes, summed over series")
{
  Exposition before = parse(before_text);
  Exposition after = parse(R"(http_requests_total{method="GET",status_code="200"} 190
http_requests_total{method="GET",status_code="503"} 20
http_requests_total{method="POST",status_code="500"} 5
http_request_duration_seconds_bucket{path="/a",le="0.1"} 60
http_request_duration_seconds_bucket{path="/a",le="0.5"} 110
http_request_duration_seconds_bucket{path="/a",le="+Inf"} 120
http_request_duration_seconds_bucket{path="/b",le="0.1"} 0
http_request_duration_seconds_bucket{path="/b",le="0.5"} 10
http_request_duration_seconds_bucket{path="/b",le="+Inf"} 10
http_request_duration_seconds_sum{path="/a"} 23
http_request_duration_seconds_count{path="/a"} 120
)");
  WindowStats stats = compute_window_stats(before, after, HttpMetricNames{}, 10);
  CHECK(stats.requests == 105);
  CHECK(stats.errors == 15);
  CHECK(*error_rate(stats) == doctest::Approx(15.0 / 105.0));
  CHECK(*request_rate(stats) == 10.5);
  // Δ buckets summed by le: 0.1 -> 50, 0.5 -> 100, +Inf -> 110.
  REQUIRE(stats.latency_buckets.size() == 3);
  CHECK(stats.latency_buckets[0].count == 50);
  CHECK(stats.latency_buckets[1].count == 100);
  CHECK(stats.latency_buckets[2].count == 110);
  CHECK(*latency_quantile(stats, 0.5) == doctest::Approx(0.1 + 0.4 * (55.0 - 50.0) / 50.0));
  CHECK(*latency_mean(stats) == doctest::Approx(20.0 / 100.0));
  CHECK(stats.counter_resets == 0);
}

TEST_CASE("a restarted service: counters reset and are counted from zero")
{
  Exposition before = parse(before_text);
  Exposition after = parse(R"(http_requests_total{method="GET",status_code="200"} 40
http_requests_total{method="GET",status_code="503"} 1
http_request_duration_seconds_bucket{path="/a",le="0.1"} 5
http_request_duration_seconds_bucket{path="/a",le="0.5"} 8
http_request_duration_seconds_bucket{path="/a",le="+Inf"} 8
)");
  WindowStats stats = compute_window_stats(before, after, HttpMetricNames{}, 30);
  CHECK(stats.requests == 41);
  CHECK(stats.errors == 1);
  CHECK(stats.counter_resets == 5);
  CHECK(stats.latency_buckets[2].count == 8);
}

TEST_CASE("status label fallbacks, custom names, no data")
{
  Exposition after = parse(R"(reqs{code="500"} 1
reqs{code="200"} 3
reqs{status="404"} 4
)");
  HttpMetricNames names;
  names.requests_total = "reqs";
  WindowStats stats = compute_window_stats(Exposition{}, after, names, 30);
  CHECK(*error_rate(stats) == 0.125);
  CHECK_FALSE(latency_quantile(stats, 0.99)); // histogram not exposed
  names.error_status_prefix = "4";
  CHECK(*error_rate(compute_window_stats(Exposition{}, after, names, 30)) == 0.5);

  Exposition unlabeled = parse("reqs 10\n");
  WindowStats none = compute_window_stats(Exposition{}, unlabeled, names, 30);
  CHECK(none.has_requests_metric);
  CHECK_FALSE(none.has_status_label);
  CHECK_FALSE(error_rate(none));
  Exposition idle = parse("reqs{code=\"200\"} 10\n");
  CHECK_FALSE(error_rate(compute_window_stats(idle, idle, names, 30))); // no requests in the window
}

TEST_CASE("the window comes from sample timestamps when both scrapes carry them")
{
  Exposition before = parse("http_requests_total{code=\"200\"} 10 1700000000000\n");
  Exposition after = parse("http_requests_total{code=\"200\"} 70 1700000060000\n");
  WindowStats stats = compute_window_stats(before, after, HttpMetricNames{}, 5);
  CHECK(stats.window_seconds == 60);
  CHECK(*request_rate(stats) == 1);
}
