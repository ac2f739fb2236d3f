// Spawning programs with an argv vector: never a shell string built from input.
#pragma once

#include "duration.hpp"
#include "result.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace relgate
{

struct ProcessOptions {
  std::string working_directory;                              // empty: inherit
  std::vector<std::pair<std::string, std::string>> extra_env; // added to the inherited environment
  // Inherited variables whose name starts with one of these are not passed on (e.g. "GIT_": the
  // caller's environment must not steer the child), except the names listed in kept_env.
  std::vector<std::string> dropped_env_prefixes;
  std::vector<std::string> kept_env;
  std::optional<std::string> stdin_data; // nullopt: /dev/null
  std::optional<Duration> timeout;       // killed (SIGKILL) when exceeded
};

struct ProcessResult {
  int exit_code = -1; // 128 + signal when killed by a signal
  std::string stdout_text;
  std::string stderr_text;
  bool timed_out = false;
};

// Error only when the program could not be started (not found, fork failure).
// A nonzero exit is a ProcessResult, for the caller to judge.
Result<ProcessResult> run_process(const std::vector<std::string> &argv, const ProcessOptions &options = {});

} // namespace relgate
