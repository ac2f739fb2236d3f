// The record's summary (every measurement, so a later check can compare against it) and the
// text table printed under the verdict.
#pragma once

#include "evaluation.hpp"
#include "json.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace relgate::slo
{

struct MeasurementLog {
  int attempt = 0;   // 1-based, errors included
  std::string at;    // RFC 3339
  std::string error; // empty when the measurement succeeded
  Measurement measurement;
};

struct RunInfo {
  std::string source; // prometheus | metrics-url | metrics-file
  std::vector<Target> targets;
  std::string judged_role; // canary / target
  bool comparing = false;
  double window_seconds = 0;
  std::vector<MeasurementLog> log;
  std::vector<std::string> warnings;
  std::vector<std::string> doubts; // from every measurement: no ALLOW (see apply_doubts)
  std::string last_allow_at;       // record used for relative_to = last_allow
  std::string stop_reason;         // why the loop ended early (errors, timeout)
};

// The figures people and `audit` read first, from the objectives that measure them (median of the
// judged role): error rate (or 1 - availability), p50 and p99 latency. nullopt = not measured.
struct HeadlineValues {
  std::optional<double> error_rate; // fraction 0..1
  std::optional<double> latency_p50_seconds;
  std::optional<double> latency_p99_seconds;
};
HeadlineValues headline_values(const Verdict &verdict);

JsonDocument build_summary(const SloPolicy &policy, const RunInfo &run, const Verdict &verdict);
std::string build_text_details(const RunInfo &run, const Verdict &verdict);
// One line per measurement for a TTY: "measurement 2/5: error rate 0.4% ok, p99 latency 742 ms FAIL".
std::string progress_line(const std::vector<Objective> &objectives, const std::vector<ObjectiveReading> &readings,
                          int done, int64_t count);

} // namespace relgate::slo
