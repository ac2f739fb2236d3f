#include "rollback_plan.hpp"

#include "commit_trailers.hpp"
#include "file_io.hpp"
#include "kustomize_component.hpp"
#include "ledger.hpp"
#include "pinned_clock.hpp"
#include "repo_layout.hpp"
#include "template_render.hpp"

#include <algorithm>

namespace relgate::rollback
{
namespace
{

bool names_release(const gitops::ReleaseRef &ref, const std::string &to)
{
  return ref.release_id == to || ref.digest == to;
}

} // namespace

Result<gitops::ReleaseRef> resolve_target(const std::string &repo, const std::string &app, const std::string &env,
                                          const gitops::KnownGoodIndex &known_good, const std::string &to)
{
  for (auto it = known_good.releases.rbegin(); it != known_good.releases.rend(); ++it) {
    if (names_release(*it, to))
      return *it;
  }
  // Older than the index keeps: the ledger is the full history (an explicit --to may scan it).
  RELGATE_ASSIGN_OR_RETURN(auto ledger_path, gitops::safe_path(repo, gitops::env_paths(app, env).ledger));
  RELGATE_ASSIGN_OR_RETURN(auto entries, gitops::read_ledger(ledger_path));
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    if (it->weight == 100 && (it->release_id == to || it->digest == to)) {
      return gitops::ReleaseRef{it->release_id, it->digest, it->time};
    }
  }
  return make_error("--to " + to + ": no release with that id or digest ever reached 100% in " + env + " (see " +
                    gitops::env_paths(app, env).known_good + " and the ledger)");
}

Result<RollbackPlan> plan_rollback(const RollbackRequest &request)
{
  RollbackPlan plan;
  const auto paths = gitops::env_paths(request.app, request.env);
  RELGATE_ASSIGN_OR_RETURN(auto current, gitops::load_state(request.repo, request.app, request.env));
  if (!current) {
    return make_error(request.env + " of application " + request.app + " has never been promoted (no " + paths.state +
                      "): nothing to roll back");
  }
  plan.before = *current;
  RELGATE_ASSIGN_OR_RETURN(auto known_good, gitops::load_known_good(request.repo, request.app, request.env));
  RELGATE_ASSIGN_OR_RETURN(auto releases, gitops::load_releases_index(request.repo, request.app));

  if (current->canary) {
    plan.bad = *current->canary;
  } else if (current->stable) {
    plan.bad = *current->stable;
  } else {
    return make_error(request.env + " runs no release: nothing to roll back");
  }

  if (!request.to.empty()) {
    RELGATE_ASSIGN_OR_RETURN(auto target,
                             resolve_target(request.repo, request.app, request.env, known_good, request.to));
    if (target.digest == plan.bad.digest) {
      return make_error("--to " + request.to + " is the release being rolled back (" + plan.bad.release_id + ")");
    }
    plan.target = target;
  } else if (current->canary) {
    plan.target = current->stable; // the canary goes; the stable release stays as it is
    plan.canary_only = true;
  } else {
    for (auto it = known_good.releases.rbegin(); it != known_good.releases.rend(); ++it) {
      if (it->digest != plan.bad.digest && !releases.rejected.count(it->digest)) {
        plan.target = *it;
        break;
      }
    }
    if (!plan.target) {
      return make_error("no known-good release before " + plan.bad.release_id + " in " + request.env + " (" +
                        paths.known_good + "): pass --to RELEASE_ID|DIGEST");
    }
  }
  if (plan.target && releases.rejected.count(plan.target->digest)) {
    return make_error("target " + plan.target->release_id +
                      " was itself rolled back earlier (rejected): pick another --to");
  }

  RELGATE_TRY(gitops::check_ledger_matches_state(request.repo, request.app, request.env, current->ledger_seq));

  const std::string now_text = format_rfc3339(request.now);
  gitops::EnvState after = *current;
  after.canary.reset();
  after.canary_weight = 0;
  if (!plan.canary_only) {
    after.stable = plan.target ? std::optional<gitops::ReleaseRef>(
                                     gitops::ReleaseRef{plan.target->release_id, plan.target->digest, now_text})
                               : std::nullopt;
  }
  after.updated_at = now_text;
  after.ledger_seq = current->ledger_seq + 1;
  plan.after = after;

  gitops::forget_known_good(known_good, plan.bad.digest);
  if (plan.target && std::none_of(known_good.releases.begin(), known_good.releases.end(),
                                  [&](const auto &ref) { return ref.digest == plan.target->digest; })) {
    gitops::remember_known_good(known_good, *plan.target);
  }
  std::string reason = request.reason.empty() ? "rolled back" : request.reason;
  releases.rejected[plan.bad.digest] = gitops::RejectedRelease{plan.bad.release_id, request.env, reason, now_text};

  gitops::LedgerEntry entry;
  entry.seq = after.ledger_seq;
  entry.app = request.app;
  entry.action = "rollback";
  entry.release_id = plan.target ? plan.target->release_id : "";
  entry.digest = plan.target ? plan.target->digest : "";
  entry.image = after.image;
  entry.weight = plan.target ? 100 : 0;
  entry.actor = gitops::current_actor();
  entry.time = now_text;
  entry.outcome = "rolled-back";
  entry.reason = reason;
  entry.rollback_of = plan.bad.release_id;
  entry.pinned_clock = gitops::pinned_clock_text();

  plan.commit.writes.push_back({paths.state, gitops::serialize_state(after)});
  plan.commit.writes.push_back({paths.component, gitops::render_component(after)});
  plan.commit.writes.push_back({paths.known_good, gitops::serialize_known_good(known_good)});
  plan.commit.writes.push_back({gitops::releases_path(request.app), gitops::serialize_releases_index(releases)});
  RELGATE_ASSIGN_OR_RETURN(auto rendered, gitops::render_repo_templates(request.repo, request.app, after));
  for (auto &write : rendered)
    plan.commit.writes.push_back(std::move(write));
  plan.commit.appends.push_back({paths.ledger, gitops::ledger_line(entry)});

  std::string title = "rollback " + request.app + "/" + request.env + ": " + plan.bad.release_id + " -> " +
                      (plan.target ? plan.target->release_id : std::string("no release"));
  std::vector<std::string> body{"Rejected " + plan.bad.release_id + " (" + plan.bad.digest + "): " + reason};
  gitops::CommitTrailers trailers{entry.release_id.empty() ? "none" : entry.release_id,
                                  request.env,
                                  entry.digest.empty() ? "none" : entry.digest,
                                  "none",
                                  "rollback",
                                  "",
                                  plan.bad.release_id,
                                  entry.pinned_clock,
                                  request.app};
  plan.commit.message = gitops::commit_message(title, body, trailers);
  return plan;
}

} // namespace relgate::rollback
