#include "time_util.hpp"

#include "encoding.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>

namespace relgate
{

namespace
{

bool parse_digits(std::string_view text, std::size_t pos, std::size_t count, int &out)
{
  if (pos + count > text.size())
    return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9')
      return false;
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

Error time_error(std::string_view text)
{
  return make_error("'" + printable_excerpt(text) +
                    "' is not an RFC 3339 time (expected e.g. 2026-02-11T09:30:00Z or 2026-02-11)");
}

} // namespace

std::string format_rfc3339(TimePoint time)
{
  using namespace std::chrono;
  const auto millis = duration_cast<milliseconds>(time.time_since_epoch()).count();
  int64_t seconds = millis / 1000;
  int64_t fraction = millis % 1000;
  if (fraction < 0) {
    fraction += 1000;
    seconds -= 1;
  }
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  std::string out = buffer;
  if (fraction != 0) {
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(fraction));
    out += frac;
  }
  return out + "Z";
}

Result<TimePoint> parse_rfc3339(std::string_view text)
{
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!parse_digits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || !parse_digits(text, 5, 2, month) ||
      text[7] != '-' || !parse_digits(text, 8, 2, day)) {
    return time_error(text);
  }
  // The clock counts nanoseconds in 64 bits: years past 2261 would overflow (undefined behaviour,
  // found by libFuzzer), and no release decision needs them.
  if (year < 1900 || year > 2261) {
    return make_error("'" + printable_excerpt(text) + "': year " + std::to_string(year) +
                      " is outside the supported range 1900..2261");
  }
  std::size_t pos = 10;
  int64_t offset_seconds = 0;
  int64_t nanos = 0;
  if (pos < text.size()) {
    if ((text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') || !parse_digits(text, pos + 1, 2, hour) ||
        pos + 3 >= text.size() || text[pos + 3] != ':' || !parse_digits(text, pos + 4, 2, minute) ||
        pos + 6 >= text.size() || text[pos + 6] != ':' || !parse_digits(text, pos + 7, 2, second)) {
      return time_error(text);
    }
    pos += 9;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      int64_t scale = 100000000;
      const std::size_t start = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        nanos += (text[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
      if (pos == start)
        return time_error(text);
    }
    if (pos >= text.size())
      return time_error(text); // a time of day needs a zone
    if (text[pos] == 'Z' || text[pos] == 'z') {
      ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
      int offset_hours = 0, offset_minutes = 0;
      if (!parse_digits(text, pos + 1, 2, offset_hours) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
          !parse_digits(text, pos + 4, 2, offset_minutes)) {
        return time_error(text);
      }
      offset_seconds = (offset_hours * 3600 + offset_minutes * 60) * (text[pos] == '-' ? -1 : 1);
      pos += 6;
    } else {
      return time_error(text);
    }
    if (pos != text.size())
      return time_error(text);
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return time_error(text);
  }
  using namespace std::chrono;
  const year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok())
    return time_error(text);
  const auto midnight = sys_days(date);
  const auto total = midnight + hours(hour) + minutes(minute) + seconds(second) - seconds(offset_seconds);
  return time_point_cast<system_clock::duration>(total + duration_cast<system_clock::duration>(nanoseconds(nanos)));
}

namespace
{
std::optional<TimePoint> pinned_now; // set once, by --now, before a step runs
} // namespace

TimePoint current_time()
{
  return pinned_now ? *pinned_now : std::chrono::system_clock::now();
}

Result<void> pin_clock(std::string_view text)
{
  auto parsed = parse_rfc3339(text);
  if (!parsed)
    return make_error("--now: " + parsed.message());
  pinned_now = *parsed;
  return ok_result();
}

bool clock_is_pinned()
{
  return pinned_now.has_value();
}

Result<void> refuse_clock_environment()
{
  // The clock once came from this variable; a pipeline input could set it to dodge a freeze
  // window or a soak time, so it is refused rather than silently ignored.
  if (const char *legacy = std::getenv("RELGATE_NOW"); legacy != nullptr) {
    return make_error("RELGATE_NOW is set, but relgate no longer reads the clock from the environment; unset it "
                      "(tests and drills pin the clock with --now TIME, which the evidence records)");
  }
  return ok_result();
}

} // namespace relgate
