// Freeze windows: dated intervals (RFC 3339) and weekly windows in a time zone from the TZ
// database ("no prod deploys Friday 15:00-24:00 Europe/Berlin"), daylight saving included.
#pragma once

#include "promotion_policy.hpp"
#include "result.hpp"
#include "time_util.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace relgate::promote
{

struct LocalClock {
  int weekday = 0; // 0 = Sunday
  int minute = 0;  // minutes since local midnight
};

Result<int> parse_weekday(std::string_view text);       // "mon".."sun" (or full names), any case
Result<int> parse_clock_minutes(std::string_view text); // "HH:MM", 00:00..24:00
// The name must be in the TZ database ($TZDIR or /usr/share/zoneinfo), or UTC.
Result<void> validate_timezone(const std::string &name);
Result<LocalClock> local_clock(TimePoint time, const std::string &timezone);

// Whether `now` falls inside the window; errors only for an unusable time zone.
Result<bool> freeze_active(const FreezeWindow &window, TimePoint now);
// "2026-12-21T00:00:00Z..2027-01-04T00:00:00Z" or "fri 15:00-24:00 Europe/Berlin".
std::string describe_freeze(const FreezeWindow &window);

} // namespace relgate::promote
