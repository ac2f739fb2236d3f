// Plans a rollback of one environment: which release is bad (the running canary, else the
// stable release), which is the target (--to, else the newest known-good release before it, read
// from relgate/<app>/<env>/known-good.json, never by walking history), and the files of the forward
// commit that restores it: state, Component, templates, indexes (bad release marked rejected), ledger.
#pragma once

#include "env_state.hpp"
#include "publish.hpp"
#include "release_index.hpp"
#include "time_util.hpp"

#include <optional>
#include <string>

namespace relgate::rollback
{

struct RollbackRequest {
  std::string repo;
  std::string app; // every file read and written is under relgate/<app>/
  std::string env;
  std::string to; // release id or digest; "" = last known-good
  std::string reason;
  TimePoint now;
};

struct RollbackPlan {
  gitops::EnvState before;
  gitops::EnvState after;
  gitops::ReleaseRef bad;                   // the release rolled back
  std::optional<gitops::ReleaseRef> target; // nullopt: only the canary is removed, nothing stable existed
  bool canary_only = false;                 // the stable release stays, the canary is cleared
  gitops::PlannedCommit commit;
};

Result<RollbackPlan> plan_rollback(const RollbackRequest &request);

// A target named by release id or digest: the known-good index first, then the ledger.
Result<gitops::ReleaseRef> resolve_target(const std::string &repo, const std::string &app, const std::string &env,
                                          const gitops::KnownGoodIndex &known_good, const std::string &to);

} // namespace relgate::rollback
