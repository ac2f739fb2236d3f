#include "exposition.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace relgate::slo;

TEST_CASE("text format 0.0.4: labels, escapes, special values, timestamps")
{
  const char *text = "# HELP http_requests_total Total.\n"
                     "# TYPE http_requests_total counter\n"
                     "http_requests_total{method=\"GET\",path=\"/a\\\"b\\\\c\\n\",code=\"200\"} 1027 1395066363000\n"
                     "http_requests_total{ code = \"500\" , method=\"POST\", } 3\n"
                     "up 1\n"
                     "weird{x=\"y\"} NaN\n"
                     "neg -Inf\n"
                     "pos +Inf\r\n"
                     "sci 1.5e-3\n";
  auto parsed = parse_exposition(text, "m.txt");
  REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.message()));
  REQUIRE(parsed->samples.size() == 7);
  const auto &first = parsed->samples[0];
  CHECK(first.name == "http_requests_total");
  CHECK(*label_value(first.labels, "path") == "/a\"b\\c\n");
  CHECK(first.labels.front().first == "code"); // sorted
  CHECK(first.value == 1027);
  CHECK(*first.timestamp_ms == 1395066363000.0);
  CHECK(*label_value(parsed->samples[1].labels, "method") == "POST");
  CHECK(std::isnan(parsed->samples[3].value));
  CHECK(parsed->samples[4].value == -INFINITY);
  CHECK(parsed->samples[5].value == INFINITY);
  CHECK(parsed->samples[6].value == 0.0015);
  CHECK(parsed->types.at("http_requests_total") == "counter");
  CHECK_FALSE(parsed->openmetrics);
}

TEST_CASE("OpenMetrics: seconds timestamps, exemplars, # EOF")
{
  const char *text = "# TYPE rpc_seconds histogram\n"
                     "# UNIT rpc_seconds seconds\n"
                     "rpc_seconds_bucket{le=\"0.5\"} 3 1700000000.5 # {trace_id=\"abc\"} 0.4 1700000000.1\n"
                     "rpc_seconds_bucket{le=\"+Inf\"} 4 1700000000.5\n"
                     "# EOF\n";
  auto parsed = parse_exposition(text, "om.txt");
  REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.message()));
  CHECK(parsed->openmetrics);
  REQUIRE(parsed->samples.size() == 2);
  CHECK(*parsed->samples[0].timestamp_ms == 1700000000500.0);
  auto after_eof = parse_exposition("a 1\n# EOF\nb 2\n", "om.txt");
  REQUIRE_FALSE(after_eof);
  CHECK(after_eof.message().find("om.txt:3") != std::string::npos);
}

TEST_CASE("errors name the file, line and what was expected")
{
  struct Case {
    const char *text;
    const char *needle;
  };
  const Case cases[] = {
      {"ok 1\nbad{le=\"1\" 2\n", "m.prom:2: expected ',' or '}'"},
      {"x{a=1} 2\n", "expected '\"' to open the value of label 'a'"},
      {"x{a=\"1} 2\n", "unterminated value of label 'a'"},
      {"x{a=\"\\t\"} 2\n", "invalid escape"},
      {"x{a=\"1\",a=\"2\"} 2\n", "duplicate label 'a'"},
      {"x twelve\n", "invalid value 'twelve' for x"},
      {"x 1 soon\n", "invalid timestamp 'soon'"},
      {"x 1 2 3\n", "unexpected text after the value"},
      {"9x 1\n", "expected a metric name"},
      {"# TYPE x countr\n", "unknown metric type 'countr'"},
      {"x\n", "expected a space before the value of x"},
  };
  for (const auto &c : cases) {
    auto parsed = parse_exposition(c.text, "m.prom");
    INFO(c.text);
    REQUIRE_FALSE(parsed);
    CHECK_MESSAGE(parsed.message().find(c.needle) != std::string::npos, parsed.message());
  }
}

TEST_CASE("floats are parsed without the locale and strictly")
{
  CHECK(*parse_prometheus_float("0.25") == 0.25);
  CHECK(*parse_prometheus_float("-2") == -2);
  CHECK(*parse_prometheus_float("+3") == 3);
  CHECK(std::isnan(*parse_prometheus_float("nan")));
  CHECK(*parse_prometheus_float("Inf") == INFINITY);
  CHECK_FALSE(parse_prometheus_float(""));
  CHECK_FALSE(parse_prometheus_float("1,5"));
  CHECK_FALSE(parse_prometheus_float("--1"));
  CHECK_FALSE(parse_prometheus_float("0x"));
}

TEST_CASE("untrusted text in parse errors is shown escaped, never raw")
{
  // A value, timestamp or type token may carry control bytes (the line ends only at '\n').
  for (const char *text : {"x 1\r\x1b[2K\n", "x 1 2\x1b]\n", "# TYPE x c\rounter\n", "x{a=\"\\\x1b\"} 1\n"}) {
    auto parsed = parse_exposition(text, "m.prom");
    INFO(text);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.message().find_first_of("\r\x1b") == std::string::npos);
    CHECK(parsed.message().find("\\x") != std::string::npos);
  }
}

TEST_CASE("a filter keeps only the samples a policy reads, checks every line, and caps what it keeps")
{
  ExpositionFilter filter;
  filter.names = std::set<std::string, std::less<>>{"http_requests_total"};
  const char *text = "# TYPE http_requests counter\n"
                     "# TYPE other gauge\n"
                     "http_requests_total{code=\"200\"} 5 1000\n"
                     "other 1 2000\n"
                     "other_total 2\n";
  auto parsed = parse_exposition(text, "m.prom", filter);
  REQUIRE_MESSAGE(parsed, (parsed ? "" : parsed.message()));
  REQUIRE(parsed->samples.size() == 1);
  CHECK(parsed->samples[0].name == "http_requests_total");
  CHECK(parsed->types.count("http_requests") == 1);
  CHECK(parsed->types.count("other") == 0);
  CHECK(*parsed->newest_timestamp_ms == 2000.0); // over every line, kept or not
  // A line the policy does not read is still checked.
  auto bad = parse_exposition("http_requests_total 1\nother 1 soon\n", "m.prom", filter);
  REQUIRE_FALSE(bad);
  CHECK(bad.message().find("m.prom:2: invalid timestamp 'soon'") != std::string::npos);
  // The cap counts kept samples only.
  filter.max_samples = 2;
  CHECK(parse_exposition("other 1\nother 2\nother 3\nhttp_requests_total 1\nhttp_requests_total{a=\"b\"} 1\n", "m.prom",
                         filter));
  auto over = parse_exposition("http_requests_total 1\nother 1\nhttp_requests_total{a=\"b\"} 1\n"
                               "http_requests_total{a=\"c\"} 1\n",
                               "m.prom", filter);
  REQUIRE_FALSE(over);
  CHECK_MESSAGE(over.message().find("m.prom:4: more than 2 samples of the metrics the policy reads") == 0,
                over.message());
  // Without a filter every sample is kept, under the default cap.
  CHECK(parse_exposition("a 1\nb 2\n", "m.prom")->samples.size() == 2);
  CHECK(ExpositionFilter{}.max_samples == 100000);
}
