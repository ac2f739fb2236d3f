// The release summary operators ask for first: did this release pass its checks, how did each
// rollout stage look, and did it complete (or where and why did it stop). Built from one evidence
// file, which holds every record of the release.
#pragma once

#include "evidence.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::audit
{

struct CheckLine {
  std::string name;   // artifact_signature | vulnerability_policy | admission_policy
  std::string step;   // the step whose record answers it
  std::string status; // pass | fail | error | missing
  std::string detail; // the first reason, or why missing
};

struct StageLine {
  std::string name; // canary_10 | canary_50 | full_100
  int64_t stage = 0;
  bool reached = false; // promote put this weight in place
  std::string status;   // healthy | unhealthy | inconclusive | error | not checked | not reached
  std::string detail;   // the reason of an unhealthy result
  std::optional<double> error_rate;
  std::optional<double> latency_p99_seconds;
  std::optional<double> latency_p50_seconds;
};

struct ReleaseSummary {
  std::string evidence; // path
  std::string release_id;
  std::string subject;
  std::string app; // evidence_app: the application this release belongs to
  std::string env;
  std::vector<CheckLine> checks;
  std::vector<StageLine> stages;
  std::string outcome;    // complete | stopped | incomplete | in-progress | not-promoted
  std::string stopped_at; // a stage or check name when stopped
  std::string reason;     // why stopped / incomplete
  std::string rolled_back_to;
  std::string result; // the result line
};

// env "" picks prod when the file has records for it, else the newest promote record's env.
ReleaseSummary summarize_release(const EvidenceFile &file, const std::string &path, const std::string &env);

// "canary_10" for 10, "full_100" for 100.
std::string stage_name(int64_t stage);
// "error rate 0.0%, p99 48 ms" (the measured parts only; "" when none).
std::string health_figures(const StageLine &stage);
std::string format_percent(double fraction); // 0.322 -> "32.2%"
std::string format_ms(double seconds);       // 0.048 -> "48 ms"

// Control characters (C0, DEL, C1) as \xNN, so recorded data cannot drive a terminal; newlines
// of the text itself are kept by the caller.
std::string terminal_safe(std::string_view text);

// The text block: checks, rollout, result.
std::string render_summary_text(const ReleaseSummary &summary);

} // namespace relgate::audit
