#include "duration.hpp"
#include "time_util.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace relgate;
using std::chrono::milliseconds;

TEST_CASE("durations are parsed as Prometheus does")
{
  CHECK(*parse_duration("500ms") == milliseconds(500));
  CHECK(*parse_duration("30s") == milliseconds(30000));
  CHECK(*parse_duration("5m") == milliseconds(300000));
  CHECK(*parse_duration("1h30m") == milliseconds(5400000));
  CHECK(*parse_duration("7d") == milliseconds(7LL * 86400000));
  CHECK(*parse_duration("2w") == milliseconds(14LL * 86400000));
  CHECK(*parse_duration("0") == milliseconds(0));
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("5"));
  CHECK_FALSE(parse_duration("m5"));
  CHECK_FALSE(parse_duration("1.5h"));
  CHECK_FALSE(parse_duration("30m1h")); // order matters
  CHECK_FALSE(parse_duration("1h1h"));
  CHECK_FALSE(parse_duration("10sec"));
  CHECK_FALSE(parse_duration("99999999999999999999s"));
  CHECK(parse_duration("10sec").message().find("500ms, 30s, 5m") != std::string::npos);
  CHECK(format_duration(milliseconds(5400000)) == "1h30m");
  CHECK(format_duration(milliseconds(90061001)) == "1d1h1m1s1ms");
  CHECK(format_duration(milliseconds(0)) == "0s");
}

TEST_CASE("RFC 3339 round trip, offsets, dates")
{
  auto t = parse_rfc3339("2026-02-11T09:30:00Z");
  REQUIRE(t);
  CHECK(format_rfc3339(*t) == "2026-02-11T09:30:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("2026-02-11T10:30:00.250+01:00")) == "2026-02-11T09:30:00.250Z");
  CHECK(format_rfc3339(*parse_rfc3339("2026-02-11")) == "2026-02-11T00:00:00Z");
  CHECK(format_rfc3339(*parse_rfc3339("2024-02-29T23:59:59-00:30")) == "2024-03-01T00:29:59Z");
  CHECK(format_rfc3339(*parse_rfc3339("1969-12-31T23:59:59.5Z")) == "1969-12-31T23:59:59.500Z");
  CHECK_FALSE(parse_rfc3339("2026-02-30"));
  CHECK_FALSE(parse_rfc3339("2026-02-11T09:30:00")); // no zone
  CHECK_FALSE(parse_rfc3339("2026-13-01"));
  CHECK_FALSE(parse_rfc3339("11/02/2026"));
  CHECK_FALSE(parse_rfc3339("2026-02-11T09:30:00Zjunk"));
  // 64-bit nanoseconds end in 2262: later years were signed overflow (libFuzzer, UBSan).
  CHECK(format_rfc3339(*parse_rfc3339("2261-12-31T23:59:59Z")) == "2261-12-31T23:59:59Z");
  CHECK_FALSE(parse_rfc3339("9511-02-11T09:31:00Z"));
  CHECK_FALSE(parse_rfc3339("2262-04-12"));
}

TEST_CASE("RELGATE_NOW is refused: the clock is pinned only by --now, which the evidence records")
{
  ::unsetenv("RELGATE_NOW");
  CHECK(refuse_clock_environment().ok());
  ::setenv("RELGATE_NOW", "2030-01-02T03:04:05Z", 1);
  auto refused = refuse_clock_environment();
  // The variable no longer moves the clock (it could dodge a freeze window or a soak time).
  CHECK(current_time() < *parse_rfc3339("2030-01-01"));
  ::setenv("RELGATE_NOW", "", 1); // set but empty is still set
  auto empty = refuse_clock_environment();
  ::unsetenv("RELGATE_NOW");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.message().rfind("RELGATE_NOW is set, but relgate no longer reads the clock from the environment", 0) ==
        0);
  CHECK(refused.message().find("--now TIME") != std::string::npos);
  CHECK_FALSE(empty.ok());
  CHECK_FALSE(clock_is_pinned());
  auto bad = pin_clock("tomorrow");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.message().rfind("--now: 'tomorrow' is not an RFC 3339 time", 0) == 0);
  CHECK_FALSE(clock_is_pinned());
}

TEST_CASE("parse_duration refuses a sum of parts that would wrap around")
{
  // 292471208 years are the most whole years int64 milliseconds hold; 36 weeks more wrapped the
  // sum around to a negative duration (each part alone was in range).
  CHECK(parse_duration("292471208y35w"));
  auto wrapped = parse_duration("292471208y36w");
  REQUIRE_FALSE(wrapped);
  CHECK(wrapped.message().find("too large") != std::string::npos);
}
