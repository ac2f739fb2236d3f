#include "rollback_step.hpp"

#include "digest.hpp"
#include "env_state.hpp"
#include "evidence_trust.hpp"
#include "git_cli.hpp"
#include "pinned_clock.hpp"
#include "publish.hpp"
#include "repo_layout.hpp"
#include "rollback_drill.hpp"
#include "time_util.hpp"

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

// The --if-denied binding: "" when the denied digest is what the environment runs now (the canary,
// or the stable release when no canary runs), else why there is nothing to roll back.
std::string denied_release_gone(const std::optional<gitops::EnvState> &state, const std::string &denied,
                                const std::string &env)
{
  const bool runs_as_canary = state && state->canary && state->canary->digest == denied;
  const bool runs_as_stable = state && !state->canary && state->stable && state->stable->digest == denied;
  if (runs_as_canary || runs_as_stable)
    return "";
  std::string running = !state          ? std::string("nothing")
                        : state->canary ? "canary " + state->canary->digest
                        : state->stable ? "stable " + state->stable->digest
                                        : std::string("nothing");
  return "the slo-check DENY concerns " + denied + ", which is not what " + env + " runs now (" + running +
         "): already rolled back or replaced, no rollback";
}

// --if-denied: roll back only when the newest slo-check record for this environment is DENY and
// that record's release (the evidence subject) is what the environment runs now: the canary, or
// the stable release when no canary runs. A retried job, or evidence of another release, finds
// its release gone and does nothing, instead of rolling back (and rejecting) a healthy one.
// `denied` receives the evidence subject's digest: every push attempt re-checks it against the
// state it is about to change (the remote may have moved since this check).
Result<std::optional<std::string>> skip_reason_if_not_denied(StepContext &context, const std::string &env,
                                                             const std::string &repo_path, std::string &denied)
{
  const auto &args = context.args;
  if (context.common.evidence_path.empty()) {
    return make_error("--if-denied needs --evidence FILE (the slo-check records decide)");
  }
  const auto expected_heads = args.values("expect-evidence-head");
  RELGATE_TRY(gitops::validate_evidence_head_ids(expected_heads));
  RELGATE_ASSIGN_OR_RETURN(auto evidence_policy, gitops::load_evidence_policy(context.common.policy_path));
  RELGATE_ASSIGN_OR_RETURN(auto trust, gitops::load_evidence_trust(evidence_policy, context.common.policy_path,
                                                                   args.values("trusted-key"), "rollback --if-denied"));
  if (trust.allow_unsigned)
    context.io.err << gitops::unsigned_evidence_warning(context.common.policy_path) << "\n";
  RELGATE_ASSIGN_OR_RETURN(auto evidence, load_evidence(context.common.evidence_path));
  if (auto trusted = gitops::check_evidence_trust(evidence, trust, expected_heads); !trusted) {
    return make_error(context.common.evidence_path + ": " + trusted.message() + ": cannot trust its slo-check records");
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
  denied = evidence.subject.digest.str();
  RELGATE_ASSIGN_OR_RETURN(auto state, gitops::load_state(repo_path, env));
  if (auto gone = denied_release_gone(state, denied, env); !gone.empty())
    return std::optional<std::string>(gone);
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
      repeated_option("trusted-key", "PEM",
                      "with --if-denied: a public key the evidence must be signed with, besides the policy's "
                      "[evidence] trusted_keys (repeatable)"),
      repeated_option("expect-evidence-head", "ID",
                      "with --if-denied: a record id the evidence must still contain (repeatable)"),
  };
  // Only its [evidence] table is read: the keys that --if-denied trusts.
  spec.default_policy = "promotion.toml";
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
  // Rollback reads the promotion policy only for this (and --if-denied): a real run needs none.
  if (clock_is_pinned()) {
    RELGATE_ASSIGN_OR_RETURN(auto allowed, gitops::load_allow_pinned_clock(context.common.policy_path));
    RELGATE_TRY(gitops::check_pinned_clock(allowed, context.common.policy_path, "rollback"));
    context.io.err << gitops::pinned_clock_warning(context.common.policy_path) << "\n";
  }

  const std::string reason_flag = args.value_or("reason", "");
  for (char c : reason_flag) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
      return make_error("--reason contains a newline or another control character: give it as one line of text");
  }
  if (!args.has("if-denied") && (args.has("expect-evidence-head") || args.has("trusted-key")))
    return make_error("--expect-evidence-head and --trusted-key apply to --if-denied (the evidence it reads)");
  if (args.has("push"))
    RELGATE_TRY(gitops::validate_remote(args.value_or("remote", "origin")));
  StepOutcome outcome;
  outcome.append_to_evidence = !context.common.evidence_path.empty() && !args.has("drill");
  // The record appended after the push must not fail on a bad key: check it first.
  if (outcome.append_to_evidence)
    RELGATE_TRY(gitops::check_evidence_signing_key());
  auto mark_skipped = [&outcome](std::string why) {
    outcome.decision = Decision::allow;
    outcome.reasons.push_back(std::move(why));
    outcome.append_to_evidence = false;
    set_member(outcome.summary, "rolled_back", JsonValue(false), outcome.summary.GetAllocator());
  };
  std::string denied_digest;
  if (args.has("if-denied")) {
    RELGATE_ASSIGN_OR_RETURN(auto skip, skip_reason_if_not_denied(context, env, repo_path, denied_digest));
    if (skip) {
      mark_skipped(*skip);
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
  std::string gone_after_fetch;
  auto plan_attempt = [&](int) -> Result<std::optional<gitops::PlannedCommit>> {
    request.now = current_time();
    // --push has just reset the clone to the remote head: a stale clone (a CI retry, a duplicate
    // job) must not roll back whatever runs there now, only the release the DENY is about.
    if (!denied_digest.empty()) {
      RELGATE_ASSIGN_OR_RETURN(auto state, gitops::load_state(repo_path, env));
      gone_after_fetch = denied_release_gone(state, denied_digest, env);
      if (!gone_after_fetch.empty())
        return std::optional<gitops::PlannedCommit>();
    }
    RELGATE_ASSIGN_OR_RETURN(auto plan, plan_rollback(request));
    last_plan = std::move(plan);
    return std::optional<gitops::PlannedCommit>(last_plan->commit);
  };
  RELGATE_ASSIGN_OR_RETURN(auto published, gitops::publish(repo, options, plan_attempt));
  if (!gone_after_fetch.empty()) {
    mark_skipped(gone_after_fetch);
    return outcome;
  }
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
