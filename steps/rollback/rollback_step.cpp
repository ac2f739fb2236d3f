#include "rollback_step.hpp"

#include "digest.hpp"
#include "git_cli.hpp"
#include "publish.hpp"
#include "repo_layout.hpp"
#include "rollback_drill.hpp"

namespace relgate::rollback
{
namespace
{

void add_plan_summary(StepOutcome &outcome, const std::string &env, const RollbackPlan &plan)
{
  auto &allocator = outcome.summary.GetAllocator();
  set_member(outcome.summary, "env", env, allocator);
  set_member(outcome.summary, "rolled_back_release", plan.bad.release_id, allocator);
  set_member(outcome.summary, "rolled_back_digest", plan.bad.digest, allocator);
  set_member(outcome.summary, "target_release", plan.target ? plan.target->release_id : "", allocator);
  set_member(outcome.summary, "target_digest", plan.target ? plan.target->digest : "", allocator);
  set_member(outcome.summary, "canary_only", JsonValue(plan.canary_only), allocator);
  outcome.outputs = {{"rolled_back_release", plan.bad.release_id},
                     {"target_release", plan.target ? plan.target->release_id : ""}};
}

std::string target_text(const RollbackPlan &plan)
{
  return plan.target ? plan.target->release_id + " (" + plan.target->digest + ")" : std::string("no release");
}

// --if-denied: roll back only when the newest slo-check record for this environment is DENY.
Result<std::optional<std::string>> skip_reason_if_not_denied(const StepContext &context, const std::string &env)
{
  if (context.common.evidence_path.empty()) {
    return make_error("--if-denied needs --evidence FILE (the slo-check records decide)");
  }
  RELGATE_ASSIGN_OR_RETURN(auto evidence, load_evidence(context.common.evidence_path));
  auto chain = verify_chain(evidence, {});
  if (!chain.intact) {
    return make_error(context.common.evidence_path + ": evidence chain broken (" + chain.problem +
                      "): cannot trust its slo-check records");
  }
  const EvidenceRecord *record = find_latest_record(evidence, "slo-check", env);
  if (record == nullptr) {
    return std::optional<std::string>("no slo-check record for " + env + " in " + context.common.evidence_path +
                                      ": nothing says the release is bad, no rollback");
  }
  if (record->decision != Decision::deny) {
    return std::optional<std::string>("newest slo-check for " + env + " is " +
                                      std::string(decision_name(record->decision)) + ": no rollback needed");
  }
  return std::optional<std::string>();
}

} // namespace

StepSpec rollback_spec()
{
  StepSpec spec;
  spec.name = "rollback";
  spec.usage = "rollback --repo PATH --env NAME [--to RELEASE_ID|DIGEST] [--reason TEXT] [--push] "
               "[--if-denied --evidence FILE] [--drill]";
  spec.description =
      "Returns an environment of a GitOps repository to its last known-good release (the newest earlier release "
      "that reached 100% and was not rolled back) or to --to, clears the canary, and marks the bad release "
      "rejected so promote refuses it. Always a new commit with Relgate-* trailers, never a history rewrite.";
  spec.options = {
      value_option("repo", "PATH", "clone of the GitOps repository (its top folder)"),
      value_option("to", "RELEASE_ID|DIGEST", "roll back to this release instead of the last known-good"),
      value_option("reason", "TEXT", "why (recorded in the ledger, the commit and the rejected list)"),
      flag_option("push", "push the commit; on a non-fast-forward, fetch, re-plan and retry"),
      value_option("remote", "NAME", "remote to push to", "origin"),
      flag_option("if-denied", "roll back only when the newest slo-check record for --env in --evidence is DENY"),
      flag_option("drill", "rehearse in a scratch clone (never pushed): time it and check the result"),
  };
  spec.run = run_rollback;
  return spec;
}

Result<StepOutcome> run_rollback(StepContext &context)
{
  const auto &args = context.args;
  RELGATE_ASSIGN_OR_RETURN(auto repo_path, args.required("repo"));
  const std::string env = context.common.scope.env;
  if (env.empty())
    return make_error("--env is required: the environment to roll back (e.g. --env prod)");
  RELGATE_TRY(gitops::validate_env_name(env));
  if (args.has("drill") && args.has("push"))
    return make_error("--drill never pushes: drop --push");

  StepOutcome outcome;
  outcome.append_to_evidence = !context.common.evidence_path.empty() && !args.has("drill");
  if (args.has("if-denied")) {
    RELGATE_ASSIGN_OR_RETURN(auto skip, skip_reason_if_not_denied(context, env));
    if (skip) {
      outcome.decision = Decision::allow;
      outcome.reasons.push_back(*skip);
      outcome.append_to_evidence = false;
      set_member(outcome.summary, "rolled_back", JsonValue(false), outcome.summary.GetAllocator());
      return outcome;
    }
  }

  RollbackRequest request{repo_path, env, args.value_or("to", ""), args.value_or("reason", ""), current_time()};
  if (args.has("if-denied") && request.reason.empty())
    request.reason = "slo-check DENY for " + env;

  if (args.has("drill")) {
    gitops::GitRepo original(repo_path);
    RELGATE_TRY(gitops::check_repository(original));
    RELGATE_ASSIGN_OR_RETURN(auto drill, run_drill(request));
    add_plan_summary(outcome, env, drill.plan);
    auto &allocator = outcome.summary.GetAllocator();
    set_member(outcome.summary, "drill", JsonValue(true), allocator);
    set_member(outcome.summary, "elapsed_ms", JsonValue(static_cast<int64_t>(drill.elapsed.count())), allocator);
    set_member(outcome.summary, "post_check", drill.post_check, allocator);
    set_member(outcome.summary, "post_check_passed", JsonValue(drill.post_check_passed), allocator);
    outcome.checks.push_back(CheckResult{"drill-post-check", drill.post_check_passed, drill.post_check});
    outcome.decision = drill.post_check_passed ? Decision::allow : Decision::deny;
    outcome.reasons.push_back("drill: rolled " + env + " back from " + drill.plan.bad.release_id + " to " +
                              target_text(drill.plan) + " in a scratch clone in " +
                              std::to_string(drill.elapsed.count()) + " ms (nothing pushed)");
    outcome.reasons.push_back(std::string("post-check ") + (drill.post_check_passed ? "passed: " : "FAILED: ") +
                              drill.post_check);
    return outcome;
  }

  gitops::GitRepo repo(repo_path);
  gitops::PublishOptions options;
  options.push = args.has("push");
  options.remote = args.value_or("remote", "origin");
  std::optional<RollbackPlan> last_plan;
  auto plan_attempt = [&](int) -> Result<std::optional<gitops::PlannedCommit>> {
    request.now = current_time();
    RELGATE_ASSIGN_OR_RETURN(auto plan, plan_rollback(request));
    last_plan = std::move(plan);
    return std::optional<gitops::PlannedCommit>(last_plan->commit);
  };
  RELGATE_ASSIGN_OR_RETURN(auto published, gitops::publish(repo, options, plan_attempt));
  if (!last_plan)
    return make_error("internal error: no rollback was planned");
  add_plan_summary(outcome, env, *last_plan);
  auto &allocator = outcome.summary.GetAllocator();
  set_member(outcome.summary, "commit", published.commit, allocator);
  set_member(outcome.summary, "pushed", JsonValue(published.pushed), allocator);
  set_member(outcome.summary, "rolled_back", JsonValue(true), allocator);
  outcome.outputs.emplace_back("commit", published.commit);
  outcome.decision = Decision::allow;
  outcome.reasons.push_back("rolled " + env + " back from " + last_plan->bad.release_id + " to " +
                            target_text(*last_plan) + " (commit " + published.commit.substr(0, 12) +
                            (published.pushed ? ", pushed" : ", not pushed") + ")");
  outcome.reasons.push_back(last_plan->bad.release_id + " is marked rejected: promote refuses its digest from now on");
  return outcome;
}

} // namespace relgate::rollback
