// One promotion or rollback = one commit of relgate's files, optionally pushed. With --push the
// change is planned against the remote head; when the push is refused because the remote moved
// (non-fast-forward), relgate fetches, drops its local commit, re-plans from the new head (the
// plan re-runs the admission checks: someone may have promoted meanwhile) and pushes again,
// bounded by a number of attempts and a time budget, with exponential backoff and full jitter.
// Promotions of different applications touch disjoint files, so a lost race costs one fetch, one
// re-plan (only that application's files are read) and one push; the same application and
// environment serialise: the loser's re-plan sees the winner's state and re-checks against it.
#pragma once

#include "duration.hpp"
#include "git_cli.hpp"
#include "planned_commit.hpp"
#include "result.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace relgate::gitops
{

// Called once per attempt, after the work tree was moved to the newest head. nullopt = nothing
// to commit (the caller denied or found no change and keeps its own outcome).
using PlanFunction = std::function<Result<std::optional<PlannedCommit>>(int attempt)>;

struct PublishOptions {
  bool push = false;
  std::string remote = "origin";
  // 32 pushers of different applications into one branch: one lands per round, so the last one
  // needs up to ~32 attempts when every round is lost; 64 attempts or 3 minutes, whichever first.
  int max_attempts = 64;
  Duration time_budget = std::chrono::minutes(3); // no new attempt starts after this much time
  Duration backoff = Duration(40);                // doubles per attempt up to max_backoff; full jitter
  Duration max_backoff = Duration(2000);
};

struct PublishResult {
  bool committed = false;
  bool pushed = false;
  std::string commit; // sha of the new commit
  std::string branch;
  int attempts = 0;
  int conflicts = 0;   // pushes refused because the remote moved
  int64_t wait_ms = 0; // time slept in backoff between attempts
};

// Refuses when relgate's files have uncommitted changes (an interrupted promote, or a hand edit),
// with the commands that fix it.
Result<void> check_relgate_files_clean(const GitRepo &repo);
// The repository's top level must be the given path (a sub-folder or a non-repo is refused).
Result<void> check_repository(const GitRepo &repo);

// Writes the planned files and deletes the planned removals (no symlinks, inside the repo), stages
// and commits only those paths.
Result<std::string> commit_planned(const GitRepo &repo, const PlannedCommit &plan);

Result<PublishResult> publish(const GitRepo &repo, const PublishOptions &options, const PlanFunction &plan);

} // namespace relgate::gitops
