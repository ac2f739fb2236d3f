// Red team of slo-check's scrape arithmetic (an attacker or a buggy release controls the /metrics
// text). Attacks that held and that no other test covers.
#include "histogram_quantile.hpp"
#include "scrape_delta.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace relgate::slo;

namespace
{

Exposition parse(const char *text)
{
  auto parsed = parse_exposition(text, "redteam");
  REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.message()));
  return *parsed;
}

WindowStats stats_of(const char *before, const char *after)
{
  auto stats = compute_window_stats(parse(before), parse(after), HttpMetricNames{}, 30);
  REQUIRE_MESSAGE(stats, (stats ? "" : stats.message()));
  return *stats;
}

} // namespace

TEST_CASE("red team: a bucket re-spelled between scrapes (le=\"1\" -> \"1.0\") is a doubt, not a clean window")
{
  // The second scrape renames every bucket: the old series vanish, the new ones count from zero.
  // The figures may still deny, but the window must carry the doubt that blocks an ALLOW.
  WindowStats stats = stats_of("http_request_duration_seconds_bucket{le=\"1\"} 100\n"
                               "http_request_duration_seconds_bucket{le=\"+Inf\"} 100\n",
                               "http_request_duration_seconds_bucket{le=\"1.0\"} 150\n"
                               "http_request_duration_seconds_bucket{le=\"Inf\"} 150\n");
  CHECK(stats.counter_resets == 2);
  REQUIRE(stats.latency_buckets.size() == 2);
  CHECK(stats.latency_buckets[0].upper_bound == 1.0);
  CHECK(stats.latency_buckets[0].count == 150);
  CHECK(std::isinf(stats.latency_buckets[1].upper_bound));
}

TEST_CASE("red team: labels reordered or spaced differently between scrapes are the same series")
{
  WindowStats stats = stats_of("http_requests_total{code=\"503\",path=\"/a\"} 10\n"
                               "http_requests_total{code=\"200\",path=\"/a\"} 90\n",
                               "http_requests_total{ path = \"/a\" , code = \"503\" } 60\n"
                               "http_requests_total{path=\"/a\",code=\"200\",} 140\n");
  CHECK(stats.counter_resets == 0);
  CHECK(stats.requests == 100);
  CHECK(stats.errors == 50);
}

TEST_CASE("red team: OpenMetrics timestamps that overflow once scaled to ms are an error, not an endless window")
{
  // 1e306 s is finite; 1e309 ms is not. The window would be +Inf and every rate 0.
  auto stats = compute_window_stats(parse("http_requests_total{code=\"200\"} 1 1e300\n# EOF\n"),
                                    parse("http_requests_total{code=\"200\"} 2 1e306\n# EOF\n"), HttpMetricNames{}, 30,
                                    "t0", "t1");
  REQUIRE_FALSE(stats);
  CHECK(stats.message().find("largest number") != std::string::npos);
}

TEST_CASE("red team: the same series spelled with a different status label precedence is not double counted")
{
  // status_code is read before code: a series carrying both counts once, by status_code.
  WindowStats stats = stats_of("", "http_requests_total{status_code=\"500\",code=\"200\"} 10\n"
                                   "http_requests_total{status_code=\"200\",code=\"500\"} 30\n");
  CHECK(stats.requests == 40);
  CHECK(stats.errors == 10);
}

// series_key() escapes label values as the text format does, so {code: `503",path="/a`} and
// {code: "503", path: "/a"} are two keys: a vanished 5xx series is a reset, not matched to a look-alike.
TEST_CASE("red team: series keys are unambiguous (a quote inside a label value)")
{
  const Labels plain = {{"code", "503"}, {"path", "/a"}};
  const Labels quoted = {{"code", "503\",path=\"/a"}};
  CHECK(series_key("http_requests_total", plain) != series_key("http_requests_total", quoted));
  CHECK(series_key("x", {{"a", "b\\\"\n"}}) == "x{a=\"b\\\\\\\"\\n\"}"); // as the text format spells it
  // The real 5xx series vanishes; a look-alike takes its key in the second scrape.
  WindowStats stats = stats_of("http_requests_total{code=\"200\"} 100\n"
                               "http_requests_total{code=\"503\",path=\"/a\"} 50\n",
                               "http_requests_total{code=\"200\"} 200\n"
                               "http_requests_total{code=\"503\\\",path=\\\"/a\"} 50\n");
  CHECK(stats.counter_resets >= 1);
}

TEST_CASE("red team: histogram_quantile on hostile bucket sets never answers below the data it has")
{
  const double plus_inf = std::numeric_limits<double>::infinity();
  // Non-monotonic counts are raised, not trusted: p50 of {0.1: 100, 0.5: 10, +Inf: 100} is in the
  // first bucket, not pulled down by the lower count.
  CHECK(histogram_quantile(0.5, {{0.1, 100}, {0.5, 10}, {plus_inf, 100}}) == doctest::Approx(0.05));
  // No +Inf bucket: no answer (NaN, "no data"), never the largest finite bound.
  CHECK(std::isnan(histogram_quantile(0.99, {{0.1, 0}, {0.5, 100}})));
  // Only a +Inf bucket: fewer than two buckets, no answer.
  CHECK(std::isnan(histogram_quantile(0.99, {{plus_inf, 100}})));
}
