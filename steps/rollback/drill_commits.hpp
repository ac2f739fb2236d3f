// The commits of a live drill (rollback --drill --live). They move the environment's stable
// release without judging it: the release rolled away from is neither rejected nor forgotten as
// known-good, and only the drill's last commit appends a ledger line (action "drill", outcome
// success|failed), so the ledger holds one line per drill and audit counts no change failure.
// The state-moving commits keep ledger_seq: the state still matches the newest ledger entry.
#pragma once

#include "env_state.hpp"
#include "planned_commit.hpp"
#include "result.hpp"
#include "time_util.hpp"

#include <optional>
#include <string>

namespace relgate::rollback
{

struct DrillMove {
  std::string repo;
  std::string app;
  std::string env;
  gitops::ReleaseRef to; // the stable release after the move (its since is kept as given)
  std::string title;     // commit title: "drill api/prod: rollback rel-2 -> rel-1"
  TimePoint now;
};

// Checks the state is what the drill expects (stable = expected_stable, no canary), then plans the
// state, Component and template writes that make `to` the stable release.
Result<gitops::PlannedCommit> plan_drill_move(const DrillMove &move, const std::string &expected_stable_digest);

struct DrillLedgerLine {
  std::string repo;
  std::string app;
  std::string env;
  gitops::ReleaseRef target; // the release the drill rolled back to (audit reads it as to_release)
  bool success = false;
  std::string summary; // one line: what happened, with timings
  TimePoint now;
};

// The drill's ledger line (seq + 1) and the state's ledger_seq bumped to it; nothing else changes.
Result<gitops::PlannedCommit> plan_drill_record(const DrillLedgerLine &line);

} // namespace relgate::rollback
