#include "promotion_plan.hpp"

#include "commit_trailers.hpp"
#include "file_io.hpp"
#include "kustomize_component.hpp"
#include "ledger.hpp"
#include "pinned_clock.hpp"
#include "release_id.hpp"
#include "repo_layout.hpp"
#include "template_render.hpp"

#include <algorithm>

namespace relgate::promote
{
namespace
{

// The release id follows the digest: continuing a canary keeps its id; otherwise the evidence's
// own id, then the id it had upstream, else a new one for today.
Result<std::string> choose_release_id(const PlanInputs &inputs, const std::optional<gitops::EnvState> &current,
                                      const gitops::KnownGoodIndex &upstream, gitops::ReleasesIndex &releases,
                                      bool &allocated)
{
  const std::string digest = inputs.evidence.subject.digest.str();
  allocated = false;
  // Every id used is bound to its digest in releases.json (refused when another digest has it),
  // and the counter only moves forward.
  auto bound = [&](const std::string &id) -> Result<std::string> {
    RELGATE_ASSIGN_OR_RETURN(bool changed, gitops::bind_release_id(releases, id, digest));
    allocated = allocated || changed;
    return id;
  };
  if (current && current->canary && current->canary->digest == digest)
    return bound(current->canary->release_id);
  if (!inputs.evidence.release_id.empty())
    return bound(inputs.evidence.release_id);
  for (auto it = upstream.releases.rbegin(); it != upstream.releases.rend(); ++it) {
    if (it->digest == digest)
      return bound(it->release_id);
  }
  if (current && current->stable && current->stable->digest == digest)
    return bound(current->stable->release_id);
  std::string last = releases.last_release_id;
  for (int tries = 0; tries < 1000; ++tries) {
    RELGATE_ASSIGN_OR_RETURN(auto id, gitops::next_release_id(last, inputs.now));
    if (!releases.release_digests.count(id))
      return bound(id);
    last = id; // taken (an id a pipeline chose): count on
  }
  return make_error(gitops::releases_path(inputs.app) + ": no free release id after " + releases.last_release_id);
}

std::string short_digest(const std::string &digest)
{
  auto colon = digest.find(':');
  return colon == std::string::npos ? digest : digest.substr(0, colon + 13);
}

} // namespace

Result<PromotionPlan> plan_promotion(const PlanInputs &inputs)
{
  PromotionPlan plan;
  const auto &env = inputs.request.env;
  const auto &app = inputs.app;
  const auto paths = gitops::env_paths(app, env);
  const std::string digest = inputs.evidence.subject.digest.str();

  RELGATE_ASSIGN_OR_RETURN(plan.before, gitops::load_state(inputs.repo, app, env));
  RELGATE_ASSIGN_OR_RETURN(auto releases, gitops::load_releases_index(inputs.repo, app));
  gitops::KnownGoodIndex upstream;
  if (!inputs.env_policy.after.empty()) {
    RELGATE_ASSIGN_OR_RETURN(upstream, gitops::load_known_good(inputs.repo, app, inputs.env_policy.after));
  }

  PromotionRequest request = inputs.request;
  const bool already_stable =
      plan.before && plan.before->stable && plan.before->stable->digest == digest && !plan.before->canary;
  if (already_stable && (request.target_weight == 0 || request.target_weight == 100)) {
    // Nothing moves, but an ALLOW still vouches for the evidence: the same checks decide.
    request.no_change = true;
    request.target_weight = 100;
    plan.release_id = plan.before->stable->release_id;
    plan.weight = 100;
    plan.after = *plan.before;
    AdmissionInput admission_input{inputs.policy, inputs.env_policy, inputs.evidence, inputs.chain, plan.before,
                                   upstream,      releases,          inputs.now,      request};
    plan.admission = run_admission_checks(admission_input);
    plan.no_change = plan.admission.passed();
    return plan;
  }
  if (request.target_weight == 0) {
    auto next = next_stage_weight(inputs.env_policy, plan.before, digest);
    request.target_weight = next.value_or(inputs.env_policy.stages.front());
  }
  plan.weight = request.target_weight;

  AdmissionInput admission_input{inputs.policy, inputs.env_policy, inputs.evidence, inputs.chain, plan.before,
                                 upstream,      releases,          inputs.now,      request};
  plan.admission = run_admission_checks(admission_input);
  if (!plan.admission.passed())
    return plan;

  // The ledger and the state must agree before anything is appended (a torn run shows here).
  const int64_t state_seq = plan.before ? plan.before->ledger_seq : 0;
  RELGATE_TRY(gitops::check_ledger_matches_state(inputs.repo, app, env, state_seq));

  bool allocated = false;
  RELGATE_ASSIGN_OR_RETURN(plan.release_id, choose_release_id(inputs, plan.before, upstream, releases, allocated));
  const std::string now_text = format_rfc3339(inputs.now);
  gitops::EnvState after = plan.before.value_or(gitops::EnvState{});
  after.app = app;
  after.env = env;
  after.image = inputs.env_policy.image_name.empty() ? inputs.evidence.subject.name : inputs.env_policy.image_name;
  after.updated_at = now_text;
  after.ledger_seq = state_seq + 1;
  gitops::ReleaseRef ref{plan.release_id, digest, now_text};
  std::optional<gitops::KnownGoodIndex> known_good;
  if (plan.weight == 100) {
    after.stable = ref;
    after.canary.reset();
    after.canary_weight = 0;
    RELGATE_ASSIGN_OR_RETURN(auto index, gitops::load_known_good(inputs.repo, app, env));
    gitops::remember_known_good(index, ref);
    known_good = std::move(index);
  } else {
    after.canary = ref;
    after.canary_weight = plan.weight;
  }
  plan.after = after;

  gitops::LedgerEntry entry;
  entry.seq = after.ledger_seq;
  entry.app = app;
  entry.action = "promote";
  entry.release_id = plan.release_id;
  entry.digest = digest;
  entry.image = after.image;
  entry.weight = plan.weight;
  entry.evidence_sha256 = inputs.evidence_sha256;
  entry.approvers = plan.admission.valid_approvers;
  entry.actor = gitops::current_actor();
  entry.time = now_text;
  entry.outcome = plan.weight == 100 ? "stable" : "canary";
  entry.reason = request.reason;
  if (plan.admission.freeze_overridden)
    entry.reason = "freeze override: " + request.reason;
  entry.evidence_trust = inputs.chain.unsigned_allowed ? "unsigned (allow_unsigned = true)" : "signed";
  entry.pinned_clock = gitops::pinned_clock_text();

  gitops::PlannedCommit commit;
  commit.writes.push_back({paths.state, gitops::serialize_state(after)});
  commit.writes.push_back({paths.component, gitops::render_component(after)});
  if (known_good)
    commit.writes.push_back({paths.known_good, gitops::serialize_known_good(*known_good)});
  if (allocated)
    commit.writes.push_back({gitops::releases_path(app), gitops::serialize_releases_index(releases)});
  RELGATE_ASSIGN_OR_RETURN(auto rendered, gitops::render_repo_templates(inputs.repo, app, after));
  for (auto &write : rendered)
    commit.writes.push_back(std::move(write));
  commit.appends.push_back({paths.ledger, gitops::ledger_line(entry)});

  std::string title = "promote " + app + ": " + after.image + "@" + short_digest(digest) + " to " + env +
                      (plan.weight == 100 ? "" : " at " + std::to_string(plan.weight) + "%") + " (" + plan.release_id +
                      ")";
  std::vector<std::string> body;
  for (const auto &check : plan.admission.checks)
    body.push_back("- " + check.name + ": " + check.message);
  if (!entry.approvers.empty()) {
    std::string line = "Approved-by:";
    for (const auto &who : entry.approvers)
      line += " " + who;
    body.push_back(line);
  }
  if (!entry.reason.empty())
    body.push_back("Reason: " + entry.reason);
  gitops::CommitTrailers trailers{
      plan.release_id,    env, digest, inputs.evidence_sha256, "promote", std::to_string(plan.weight), "",
      entry.pinned_clock, app};
  commit.message = gitops::commit_message(title, body, trailers);
  plan.commit = std::move(commit);
  return plan;
}

} // namespace relgate::promote
