// Durations written as Prometheus does: "500ms", "30s", "5m", "1h", "7d", "1h30m".
#pragma once

#include "result.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace relgate
{

using Duration = std::chrono::milliseconds;

// Units: ms, s, m, h, d, w, y (365d), largest first, each at most once. "0" is allowed.
Result<Duration> parse_duration(std::string_view text);
std::string format_duration(Duration duration);

} // namespace relgate
