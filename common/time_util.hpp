// RFC 3339 timestamps (always written in UTC with a 'Z').
#pragma once

#include "result.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace relgate
{

using TimePoint = std::chrono::system_clock::time_point;

// "2026-02-11T09:30:00.123Z" (milliseconds only when non-zero).
std::string format_rfc3339(TimePoint time);
// Accepts 'Z' or a numeric offset, optional fractional seconds; also a bare date "2026-02-11"
// (midnight UTC), which policies use for expiry dates.
Result<TimePoint> parse_rfc3339(std::string_view text);

// Now, unless the clock was pinned (--now): tests and drills pin it, and the evidence records it.
TimePoint current_time();
Result<void> pin_clock(std::string_view rfc3339);
bool clock_is_pinned();
// An error while the retired RELGATE_NOW variable is set (see time_util.cpp).
Result<void> refuse_clock_environment();

} // namespace relgate
