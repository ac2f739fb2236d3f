// slo-check --watch history files (JSON Lines, schema relgate.slo-history/v1): one health sample
// per line, appended as measured. Parsed strictly: an unknown member or a wrong type is an error
// naming path:line.
#pragma once

#include "decision.hpp"
#include "result.hpp"
#include "time_util.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::audit
{

constexpr std::string_view slo_history_schema = "relgate.slo-history/v1";

struct HistorySample {
  std::string at;
  TimePoint time;
  std::string env; // "" = null
  std::optional<int64_t> stage;
  std::string subject; // "" = null
  Decision decision = Decision::error;
  std::optional<double> error_rate;
  std::optional<double> latency_p50_seconds;
  std::optional<double> latency_p99_seconds;
  std::vector<std::string> reasons;
};

struct HistoryFile {
  std::string path;
  std::vector<HistorySample> samples;
};

Result<HistorySample> parse_history_line(std::string_view line, const std::string &where);
Result<HistoryFile> parse_history(std::string_view text, const std::string &path);
Result<HistoryFile> load_history(const std::string &path);

} // namespace relgate::audit
