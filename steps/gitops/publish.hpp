// One promotion or rollback = one commit of relgate's files, optionally pushed. With --push the
// change is planned against the remote head; when the push is refused because the remote moved
// (non-fast-forward), relgate fetches, drops its local commit, re-plans from the new head (the
// plan re-runs the admission checks: someone may have promoted meanwhile) and pushes again,
// a bounded number of times with jittered backoff.
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
  int max_attempts = 12;
  Duration backoff = Duration(40); // grows with the attempt, plus jitter
};

struct PublishResult {
  bool committed = false;
  bool pushed = false;
  std::string commit; // sha of the new commit
  std::string branch;
  int attempts = 0;
  int conflicts = 0; // pushes refused because the remote moved
};

// Refuses when relgate's files have uncommitted changes (an interrupted promote, or a hand edit),
// with the commands that fix it.
Result<void> check_relgate_files_clean(const GitRepo &repo);
// The repository's top level must be the given path (a sub-folder or a non-repo is refused).
Result<void> check_repository(const GitRepo &repo);

// Writes the planned files (no symlinks, inside the repo), stages and commits only them.
Result<std::string> commit_planned(const GitRepo &repo, const PlannedCommit &plan);

Result<PublishResult> publish(const GitRepo &repo, const PublishOptions &options, const PlanFunction &plan);

} // namespace relgate::gitops
