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

WindowStats stats_of(const Exposition &before, const Exposition &after, const HttpMetricNames &names, double window)
{
  auto stats = compute_window_stats(before, after, names, window);
  REQUIRE_MESSAGE(stats, (stats ? "" : stats.message()));
  return *stats;
}

std::string error_of(const char *before, const char *after)
{
  auto stats = compute_window_stats(parse(before), parse(after), HttpMetricNames{}, 30, "t0.prom", "t1.prom");
  REQUIRE_FALSE_MESSAGE(stats, "bad data was accepted");
  return stats.message();
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
  WindowStats stats = stats_of(before, after, HttpMetricNames{}, 10);
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
  WindowStats stats = stats_of(before, after, HttpMetricNames{}, 30);
  CHECK(stats.requests == 41);
  CHECK(stats.errors == 1);
  CHECK(stats.counter_resets == 5 + 2); // 5 went down; _sum and _count vanished
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
  WindowStats stats = stats_of(Exposition{}, after, names, 30);
  CHECK(*error_rate(stats) == 0.125);
  CHECK_FALSE(latency_quantile(stats, 0.99)); // histogram not exposed
  names.error_status_prefix = "4";
  CHECK(*error_rate(stats_of(Exposition{}, after, names, 30)) == 0.5);

  Exposition unlabeled = parse("reqs 10\n");
  WindowStats none = stats_of(Exposition{}, unlabeled, names, 30);
  CHECK(none.has_requests_metric);
  CHECK_FALSE(none.has_status_label);
  CHECK_FALSE(error_rate(none));
  Exposition idle = parse("reqs{code=\"200\"} 10\n");
  CHECK_FALSE(error_rate(stats_of(idle, idle, names, 30))); // no requests in the window
}

TEST_CASE("the window comes from sample timestamps when both scrapes carry them")
{
  Exposition before = parse("http_requests_total{code=\"200\"} 10 1700000000000\n");
  Exposition after = parse("http_requests_total{code=\"200\"} 70 1700000060000\n");
  WindowStats stats = stats_of(before, after, HttpMetricNames{}, 5);
  CHECK(stats.window_seconds == 60);
  CHECK(*request_rate(stats) == 1);
}

TEST_CASE("bad counter and bucket values are errors naming the scrape, the series and the value")
{
  const char *ok = "http_requests_total{code=\"200\"} 10\nhttp_requests_total{code=\"500\"} 10\n";
  // 50% 5xx with one +Inf counter read as "error rate 0%" before.
  std::string message = error_of(ok, "http_requests_total{code=\"200\"} +Inf\nhttp_requests_total{code=\"500\"} 20\n");
  CHECK(message.find("t1.prom: http_requests_total{code=\"200\"} = +Inf") != std::string::npos);
  CHECK(error_of(ok, "http_requests_total{code=\"200\"} 20\nhttp_requests_total{code=\"500\"} NaN\n")
            .find("http_requests_total{code=\"500\"} = NaN") != std::string::npos);
  CHECK(error_of(ok, "http_requests_total{code=\"200\"} -Inf\n").find("= -Inf") != std::string::npos);
  CHECK(error_of(ok, "http_requests_total{code=\"200\"} -3\n").find("= -3") != std::string::npos);
  // The start scrape is checked too, and named.
  CHECK(error_of("http_requests_total{code=\"200\"} +Inf\n", ok).find("t0.prom: ") == 0);
  // Bucket values: +Inf / NaN / negative are bad; the le="+Inf" LABEL is legitimate.
  CHECK(error_of("", "http_request_duration_seconds_bucket{le=\"0.1\"} +Inf\n"
                     "http_request_duration_seconds_bucket{le=\"+Inf\"} 5\n")
            .find("le=\"0.1\"} = +Inf") != std::string::npos);
  CHECK(error_of("", "http_request_duration_seconds_bucket{le=\"+Inf\"} NaN\n").find("= NaN") != std::string::npos);
  CHECK(error_of("", "http_request_duration_seconds_count -1\n").find("= -1") != std::string::npos);
  CHECK(error_of("", "http_request_duration_seconds_sum +Inf\n").find("= +Inf") != std::string::npos);
  // A bucket bound of -Inf made p99 "-inf ms"; no bound and junk bounds are refused as well.
  CHECK(error_of("", "http_request_duration_seconds_bucket{le=\"-Inf\"} 5\n"
                     "http_request_duration_seconds_bucket{le=\"+Inf\"} 5\n")
            .find("the le label must be a bucket bound >= 0") != std::string::npos);
  CHECK(error_of("", "http_request_duration_seconds_bucket{le=\"-0.5\"} 5\n").find("le label") != std::string::npos);
  CHECK(error_of("", "http_request_duration_seconds_bucket{le=\"x\"} 5\n").find("le label") != std::string::npos);
  CHECK(error_of("", "http_request_duration_seconds_bucket 5\n").find("missing") != std::string::npos);
  // A series twice in one scrape (a duplicated 200 series would dilute the errors).
  CHECK(error_of("", "http_requests_total{code=\"200\"} 5\nhttp_requests_total{code=\"200\"} 5\n")
            .find("appears twice") != std::string::npos);
  // Finite values whose sum overflows a double.
  CHECK(error_of("", "http_requests_total{code=\"200\"} 1.7e308\nhttp_requests_total{code=\"500\"} 1.7e308\n")
            .find("largest number") != std::string::npos);
  // Series the figures do not use may hold anything (gauges are NaN legitimately).
  auto unrelated =
      compute_window_stats(Exposition{}, parse("temperature NaN\nother_total +Inf\n"), HttpMetricNames{}, 30);
  CHECK(unrelated.ok());
}

TEST_CASE("decreasing or vanished counters are resets, named, never a negative delta")
{
  Exposition before = parse("http_requests_total{code=\"200\"} 100\nhttp_requests_total{code=\"500\"} 100\n");
  // The 5xx series dropped from the second scrape: its errors must not silently vanish.
  WindowStats gone = stats_of(before, parse("http_requests_total{code=\"200\"} 200\n"), HttpMetricNames{}, 30);
  CHECK(gone.counter_resets == 1);
  REQUIRE(gone.reset_series.size() == 1);
  CHECK(gone.reset_series[0].find("http_requests_total{code=\"500\"} (gone from") == 0);
  // Only the 5xx series went down: counted from zero (never negative), and named.
  WindowStats down =
      stats_of(before, parse("http_requests_total{code=\"200\"} 200\nhttp_requests_total{code=\"500\"} 1\n"),
               HttpMetricNames{}, 30);
  CHECK(down.requests == 101);
  CHECK(down.errors == 1);
  CHECK(down.counter_resets == 1);
  CHECK(down.reset_series == std::vector<std::string>{"http_requests_total{code=\"500\"}"});
  CHECK(*error_rate(down) >= 0);
}

TEST_CASE("every histogram series has its +Inf bucket, and its _count equals it")
{
  // Buckets are summed by le: a series without +Inf would drop its slow requests from p99.
  std::string message = error_of("", "http_request_duration_seconds_bucket{path=\"/a\",le=\"0.1\"} 5\n"
                                     "http_request_duration_seconds_bucket{path=\"/a\",le=\"+Inf\"} 5\n"
                                     "http_request_duration_seconds_bucket{path=\"/b\",le=\"0.5\"} 0\n");
  CHECK_MESSAGE(message.find("t1.prom: histogram series http_request_duration_seconds{path=\"/b\"} has no "
                             "le=\"+Inf\" bucket") != std::string::npos,
                message);
  // In the start scrape too.
  message = error_of("http_request_duration_seconds_bucket{le=\"0.5\"} 0\n",
                     "http_request_duration_seconds_bucket{le=\"0.5\"} 0\n"
                     "http_request_duration_seconds_bucket{le=\"+Inf\"} 0\n");
  CHECK_MESSAGE(message.find("t0.prom: histogram series http_request_duration_seconds{}") != std::string::npos,
                message);
  // _count disagreeing with +Inf, and a _count whose series has no buckets at all.
  message = error_of("", "http_request_duration_seconds_bucket{le=\"+Inf\"} 10\n"
                         "http_request_duration_seconds_count 1000\n");
  CHECK_MESSAGE(message.find("http_request_duration_seconds_count 1000 differs from its le=\"+Inf\" bucket 10") !=
                    std::string::npos,
                message);
  message = error_of("", "http_request_duration_seconds_bucket{path=\"/a\",le=\"+Inf\"} 10\n"
                         "http_request_duration_seconds_count{path=\"/a\"} 10\n"
                         "http_request_duration_seconds_count{path=\"/b\"} 1000\n");
  CHECK_MESSAGE(message.find("{path=\"/b\"} has a http_request_duration_seconds_count but no buckets") !=
                    std::string::npos,
                message);
  // A summary of that name (no buckets at all) is no latency data, not an error; "Inf" is +Inf.
  WindowStats summary = stats_of(parse(""), parse("http_request_duration_seconds_count 10\n"), HttpMetricNames{}, 30);
  CHECK_FALSE(summary.has_histogram);
  WindowStats spelled = stats_of(parse(""),
                                 parse("http_request_duration_seconds_bucket{le=\"1\"} 4\n"
                                       "http_request_duration_seconds_bucket{le=\"Inf\"} 10\n"
                                       "http_request_duration_seconds_count 10\n"),
                                 HttpMetricNames{}, 30);
  CHECK(spelled.latency_buckets.size() == 2);
}
