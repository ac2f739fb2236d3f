#include "duration.hpp"

#include <array>
#include <cstdint>
#include <limits>

namespace relgate
{

namespace
{

struct Unit {
  std::string_view suffix;
  int64_t milliseconds;
};

// Largest first; Prometheus requires this order and each unit at most once.
constexpr std::array<Unit, 7> units{{
    {"y", 365LL * 24 * 3600 * 1000},
    {"w", 7LL * 24 * 3600 * 1000},
    {"d", 24LL * 3600 * 1000},
    {"h", 3600LL * 1000},
    {"m", 60LL * 1000},
    {"s", 1000},
    {"ms", 1},
}};

Error duration_error(std::string_view text, std::string_view why)
{
  return make_error("'" + std::string(text) + "' is not a duration: " + std::string(why) +
                    " (write it as Prometheus does: 500ms, 30s, 5m, 1h, 7d, 1h30m)");
}

} // namespace

Result<Duration> parse_duration(std::string_view text)
{
  if (text == "0")
    return Duration(0);
  if (text.empty())
    return duration_error(text, "empty");
  int64_t total = 0;
  std::size_t next_unit = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    int64_t number = 0;
    const std::size_t digits_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (number > (std::numeric_limits<int64_t>::max() - 9) / 10) {
        return duration_error(text, "too large");
      }
      number = number * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == digits_start)
      return duration_error(text, "expected a number");
    const std::size_t unit_start = pos;
    while (pos < text.size() && text[pos] >= 'a' && text[pos] <= 'z')
      ++pos;
    const std::string_view suffix = text.substr(unit_start, pos - unit_start);
    if (suffix.empty())
      return duration_error(text, "missing unit");
    std::size_t index = next_unit;
    while (index < units.size() && units[index].suffix != suffix)
      ++index;
    if (index == units.size()) {
      return duration_error(text, "unknown or out-of-order unit '" + std::string(suffix) + "'");
    }
    // Each part and their sum: "292y300w" must not wrap around to a negative duration.
    if (number > std::numeric_limits<int64_t>::max() / units[index].milliseconds ||
        total > std::numeric_limits<int64_t>::max() - number * units[index].milliseconds) {
      return duration_error(text, "too large");
    }
    total += number * units[index].milliseconds;
    next_unit = index + 1;
  }
  return Duration(total);
}

std::string format_duration(Duration duration)
{
  int64_t rest = duration.count();
  if (rest == 0)
    return "0s";
  std::string out;
  if (rest < 0) {
    out = "-";
    rest = -rest;
  }
  for (const Unit &unit : units) {
    if (unit.suffix == "y" || unit.suffix == "w")
      continue; // days read better in reasons
    if (rest >= unit.milliseconds) {
      out += std::to_string(rest / unit.milliseconds) + std::string(unit.suffix);
      rest %= unit.milliseconds;
    }
  }
  return out;
}

} // namespace relgate
