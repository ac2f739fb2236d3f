// rollback --drill: rehearses a rollback in a scratch clone that is never pushed, then checks the
// result equals the planned last known-good release, and measures how long it all took.
#pragma once

#include "rollback_plan.hpp"

#include <chrono>
#include <string>

namespace relgate::rollback
{

struct DrillResult {
  RollbackPlan plan;
  bool post_check_passed = false;
  std::string post_check; // what was compared, or what differed
  std::chrono::milliseconds elapsed{0};
  std::string scratch_commit; // the rollback commit made in the scratch clone
};

// Clones request.repo into a fresh temporary folder (removed afterwards), rolls back there, checks.
Result<DrillResult> run_drill(const RollbackRequest &request);

// The post-check: the environment's state and Component now pin the target, no canary remains.
Result<std::string> check_rolled_back(const std::string &repo, const std::string &env, const RollbackPlan &plan);

} // namespace relgate::rollback
