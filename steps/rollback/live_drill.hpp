// rollback --drill --live: a rollback rehearsed for real. Measures the baseline health, pushes the
// rollback to the last known-good release, waits until the running service reports that digest,
// checks error rate and p99 are back to the baseline, rolls forward again (unless told not to)
// and records the drill with each phase's duration. Any phase past its timeout fails the drill.
#pragma once

#include "drill_probes.hpp"
#include "env_state.hpp"
#include "publish.hpp"

#include <chrono>
#include <map>
#include <string>

namespace relgate::rollback
{

struct LiveDrillRequest {
  std::string repo;
  std::string app;
  std::string env;
  std::string to; // release id or digest; "" = last known-good
  gitops::PublishOptions publish;
  StatusProbe status;
  HealthCheck health;
  BaselineTolerance tolerance;
  Duration converge_timeout = std::chrono::seconds(60);
  Duration post_check_timeout = std::chrono::seconds(60);
  Duration poll_interval = Duration(200);
  bool roll_forward = true;
};

struct LiveDrillResult {
  bool success = false;
  std::string failed_phase; // "" | rollback | converge | post_check | roll_forward
  std::string failure;      // why it failed
  std::map<std::string, int64_t> phases_ms;
  int64_t recovery_ms = 0; // rollback + converge + post_check
  gitops::ReleaseRef from;
  gitops::ReleaseRef to;
  Health baseline;
  Health post;
  bool rolled_forward = false;
  std::string ledger_note; // the drill's ledger line, or why it could not be written
};

// Errors: nothing was changed (bad set-up, unhealthy baseline, nothing to roll back to). Once the
// rollback is pushed every problem is a failed drill, and the environment is rolled forward.
Result<LiveDrillResult> run_live_drill(const LiveDrillRequest &request);

// "rollback: success in 1.8s" and "post_check: error rate 0.0% and p99 41 ms back to baseline (0.1%, 40 ms)".
std::string drill_report_lines(const LiveDrillResult &result);

} // namespace relgate::rollback
