// slo-check --watch: measures again and again, keeps one live status line on a TTY (plain lines
// otherwise), appends every sample to a JSON Lines history (relgate.slo-history/v1) and stops on
// SIGINT / SIGTERM or after --count samples with the last decision's exit code.
#pragma once

#include "slo_summary.hpp"

#include "decision.hpp"
#include "duration.hpp"
#include "result.hpp"

#include <optional>
#include <string>
#include <vector>

namespace relgate::slo
{

constexpr std::string_view slo_history_schema = "relgate.slo-history/v1";

struct HistorySample {
  std::string at; // RFC 3339 UTC
  std::string env;
  std::optional<int64_t> stage;
  std::string subject_digest; // "sha256:..." or ""
  Decision decision = Decision::error;
  HeadlineValues values;
  std::vector<std::string> reasons;
};

// One line of the history file: compact JSON through the JSON writer, with its newline.
std::string history_line(const HistorySample &sample);

// The history file, opened once for appending: O_APPEND (each sample is one write), O_NOFOLLOW
// (never through a symbolic link), and it must be a regular file (not a FIFO or a device).
class HistoryFile
{
public:
  static Result<HistoryFile> open(const std::string &path);
  HistoryFile(HistoryFile &&other) noexcept;
  HistoryFile &operator=(HistoryFile &&) = delete;
  HistoryFile(const HistoryFile &) = delete;
  ~HistoryFile();
  Result<void> append(const std::string &line);
  const std::string &path() const { return m_path; }

private:
  HistoryFile(std::string path, int fd) : m_path(std::move(path)), m_fd(fd) {}
  std::string m_path;
  int m_fd = -1;
};

// SIGINT and SIGTERM set a flag (no SA_RESTART) instead of killing the process; waits in the
// measurement loop check it (see sleep_until_or_deadline).
void install_stop_handlers();
bool stop_requested();
void request_stop_for_test(bool stop);

// "14:03:07  ALLOW  error rate 0.0%  p99 41 ms  (sample 3)": what the live line shows.
std::string status_line(const HistorySample &sample, int64_t number, int64_t count);

} // namespace relgate::slo
