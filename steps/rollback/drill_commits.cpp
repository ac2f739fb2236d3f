#include "drill_commits.hpp"

#include "commit_trailers.hpp"
#include "kustomize_component.hpp"
#include "ledger.hpp"
#include "pinned_clock.hpp"
#include "repo_layout.hpp"
#include "template_render.hpp"

namespace relgate::rollback
{

Result<gitops::PlannedCommit> plan_drill_move(const DrillMove &move, const std::string &expected_stable_digest)
{
  const auto paths = gitops::env_paths(move.app, move.env);
  RELGATE_ASSIGN_OR_RETURN(auto current, gitops::load_state(move.repo, move.app, move.env));
  if (!current)
    return make_error(move.env + " has never been promoted (no " + paths.state + "): nothing to drill");
  if (current->canary) {
    return make_error(move.env + " runs a canary (" + current->canary->release_id +
                      "): a live drill needs a settled environment; finish or roll back the rollout first");
  }
  const std::string stable = current->stable ? current->stable->digest : "";
  if (stable != expected_stable_digest) {
    return make_error(paths.state + " moved during the drill: stable is " + (stable.empty() ? "nothing" : stable) +
                      ", the drill expected " + expected_stable_digest + " (someone promoted or rolled back)");
  }
  RELGATE_TRY(gitops::check_ledger_matches_state(move.repo, move.app, move.env, current->ledger_seq));
  gitops::EnvState after = *current;
  after.stable = move.to;
  after.updated_at = format_rfc3339(move.now);
  gitops::PlannedCommit commit;
  commit.writes.push_back({paths.state, gitops::serialize_state(after)});
  commit.writes.push_back({paths.component, gitops::render_component(after)});
  RELGATE_ASSIGN_OR_RETURN(auto rendered, gitops::render_repo_templates(move.repo, move.app, after));
  for (auto &write : rendered)
    commit.writes.push_back(std::move(write));
  gitops::CommitTrailers trailers{move.to.release_id,          move.env, move.to.digest, "none", "drill", "", "",
                                  gitops::pinned_clock_text(), move.app};
  commit.message = gitops::commit_message(
      move.title, {"A live rollback drill: no release is rejected and known-good.json is unchanged."}, trailers);
  return commit;
}

Result<gitops::PlannedCommit> plan_drill_record(const DrillLedgerLine &line)
{
  const auto paths = gitops::env_paths(line.app, line.env);
  RELGATE_ASSIGN_OR_RETURN(auto current, gitops::load_state(line.repo, line.app, line.env));
  if (!current)
    return make_error(line.env + " has no " + paths.state + ": cannot record the drill");
  RELGATE_TRY(gitops::check_ledger_matches_state(line.repo, line.app, line.env, current->ledger_seq));
  const std::string now_text = format_rfc3339(line.now);
  gitops::EnvState after = *current;
  after.ledger_seq = current->ledger_seq + 1;
  after.updated_at = now_text;

  gitops::LedgerEntry entry;
  entry.seq = after.ledger_seq;
  entry.app = line.app;
  entry.action = "drill";
  entry.release_id = line.target.release_id;
  entry.digest = line.target.digest;
  entry.image = after.image;
  entry.weight = 100;
  entry.actor = gitops::current_actor();
  entry.time = now_text;
  entry.outcome = line.success ? "success" : "failed";
  entry.reason = line.summary;
  entry.pinned_clock = gitops::pinned_clock_text();

  gitops::PlannedCommit commit;
  commit.writes.push_back({paths.state, gitops::serialize_state(after)});
  commit.appends.push_back({paths.ledger, gitops::ledger_line(entry)});
  gitops::CommitTrailers trailers{line.target.release_id, line.env, line.target.digest, "none", "drill", "", "",
                                  entry.pinned_clock,     line.app};
  commit.message =
      gitops::commit_message("drill " + line.app + "/" + line.env + ": " + entry.outcome, {line.summary}, trailers);
  return commit;
}

} // namespace relgate::rollback
