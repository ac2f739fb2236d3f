#include "promote_step.hpp"

#include "digest.hpp"
#include "evidence_trust.hpp"
#include "file_io.hpp"
#include "git_cli.hpp"
#include "pinned_clock.hpp"
#include "promotion_plan.hpp"
#include "publish.hpp"
#include "repo_layout.hpp"
#include "time_util.hpp"

#include <algorithm>
#include <chrono>

namespace relgate::promote
{
namespace
{

// Free text from flags ends up in the ledger, the commit message and CI logs: one line only.
Result<void> require_single_line(const std::string &flag, const std::string &value)
{
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      return make_error(flag + " contains a newline or another control character: give it as one line of text");
    }
  }
  return ok_result();
}

Result<const EnvPolicy *> find_environment(const PromotionPolicy &policy, const std::string &env)
{
  RELGATE_TRY(gitops::validate_env_name(env));
  auto found = policy.environments.find(env);
  if (found == policy.environments.end()) {
    std::string known;
    for (const auto &[name, unused] : policy.environments)
      known += (known.empty() ? "" : ", ") + name;
    return make_error("--env " + env + ": not an environment of " + policy.ref.path + " (known: " + known + ")");
  }
  return &found->second;
}

void add_state_summary(JsonValue &summary, const char *key, const gitops::EnvState &state, JsonAllocator &allocator)
{
  JsonValue object(rapidjson::kObjectType);
  set_member(object, "stable_digest", state.stable ? state.stable->digest : "", allocator);
  set_member(object, "stable_release", state.stable ? state.stable->release_id : "", allocator);
  set_member(object, "canary_digest", state.canary ? state.canary->digest : "", allocator);
  set_member(object, "canary_weight", JsonValue(static_cast<int64_t>(state.canary_weight)), allocator);
  set_member(summary, key, std::move(object), allocator);
}

} // namespace

StepSpec promote_spec()
{
  StepSpec spec;
  spec.name = "promote";
  spec.usage = "promote --repo PATH --env NAME --evidence FILE [--stage N] [--approved-by WHO ...] [--push] [options]";
  spec.description =
      "Moves the evidence file's subject digest into an environment of a GitOps repository (state file, "
      "kustomize Component, rendered templates, ledger; one commit with Relgate-* trailers), one canary stage "
      "at a time, when every admission check of the policy passes. Without --stage it moves to the next stage.";
  spec.options = {
      value_option("repo", "PATH", "clone of the GitOps repository (its top folder)"),
      repeated_option("approved-by", "WHO", "an approver from the policy's allow-list (repeatable)"),
      flag_option("push", "push the commit; on a non-fast-forward, fetch, re-check and retry"),
      value_option("remote", "NAME", "remote to push to", "origin"),
      value_option("reason", "TEXT", "why (recorded in the ledger and commit; needed to override a freeze)"),
      flag_option("override-freeze", "promote inside a freeze window (needs --reason and --approved-by)"),
      value_option("weight", "PERCENT", "the canary weight to move to; same as --stage (one of the policy's stages)"),
      repeated_option("trusted-key", "PEM",
                      "a public key the evidence records must be signed with, besides [evidence] trusted_keys "
                      "(repeatable; a file may hold several keys)"),
      repeated_option("expect-evidence-head", "ID",
                      "a record id (the evidence-head output of a gate step) the evidence must still contain: "
                      "records cut off the end are refused (repeatable)"),
  };
  spec.default_policy = "promotion.toml";
  spec.run = run_promote;
  return spec;
}

Result<StepOutcome> run_promote(StepContext &context)
{
  const auto started = std::chrono::steady_clock::now();
  const auto &args = context.args;
  RELGATE_ASSIGN_OR_RETURN(auto repo_path, args.required("repo"));
  const std::string env = context.common.scope.env;
  if (env.empty())
    return make_error("--env is required: the environment to promote to (e.g. --env staging)");
  if (context.common.evidence_path.empty()) {
    return make_error("--evidence is required: promote moves the subject digest of the evidence file");
  }
  RELGATE_ASSIGN_OR_RETURN(auto policy, load_promotion_policy(context.common.policy_path));
  RELGATE_ASSIGN_OR_RETURN(const EnvPolicy *env_policy, find_environment(policy, env));
  RELGATE_TRY(gitops::check_pinned_clock(policy.allow_pinned_clock, policy.ref.path, "promote"));
  if (clock_is_pinned())
    context.io.err << gitops::pinned_clock_warning(policy.ref.path) << "\n";
  std::optional<int64_t> stage = context.common.scope.stage;
  RELGATE_ASSIGN_OR_RETURN(auto weight_flag, args.integer("weight", 1, 100));
  if (weight_flag && stage && *weight_flag != *stage) {
    return make_error("--weight " + std::to_string(*weight_flag) + " and --stage " + std::to_string(*stage) +
                      " disagree: give one of them");
  }
  if (weight_flag)
    stage = weight_flag;
  if (stage && std::find(env_policy->stages.begin(), env_policy->stages.end(), *stage) == env_policy->stages.end()) {
    std::string list;
    for (auto weight : env_policy->stages)
      list += (list.empty() ? "" : ", ") + std::to_string(weight);
    return make_error("--stage " + std::to_string(*stage) + ": not a stage of " + env + " (stages: " + list + ")");
  }

  PromotionRequest request;
  request.env = env;
  request.target_weight = stage.value_or(0);
  request.approvers = args.values("approved-by");
  request.override_freeze = args.has("override-freeze");
  request.reason = args.value_or("reason", "");
  RELGATE_TRY(require_single_line("--reason", request.reason));
  for (const auto &who : request.approvers)
    RELGATE_TRY(require_single_line("--approved-by", who));
  const auto expected_heads = args.values("expect-evidence-head");
  RELGATE_TRY(gitops::validate_evidence_head_ids(expected_heads));

  gitops::GitRepo repo(repo_path);
  gitops::PublishOptions publish_options;
  publish_options.push = args.has("push");
  publish_options.remote = args.value_or("remote", "origin");
  publish_options.max_attempts = static_cast<int>(policy.push_attempts);
  if (publish_options.push)
    RELGATE_TRY(gitops::validate_remote(publish_options.remote));

  // Everything that can fail after the push is checked before anything is committed: the
  // signing key of the record appended at the end, and the trusted keys.
  RELGATE_TRY(gitops::check_evidence_signing_key());
  RELGATE_ASSIGN_OR_RETURN(
      auto trust, gitops::load_evidence_trust(policy.evidence, policy.ref.path, args.values("trusted-key"), "promote"));
  // One read: the bytes judged are the bytes hashed into the ledger and the commit (a second
  // read could see a file swapped in between).
  RELGATE_ASSIGN_OR_RETURN(auto evidence_text,
                           read_file(context.common.evidence_path, max_evidence_bytes, Symlinks::refuse));
  RELGATE_ASSIGN_OR_RETURN(auto evidence, parse_evidence(evidence_text, context.common.evidence_path));
  const std::string evidence_hex = sha256_hex(evidence_text);
  EvidenceCheck chain;
  chain.trusted = gitops::check_evidence_trust(evidence, trust, expected_heads); // failed: a DENY saying why
  chain.unsigned_allowed = trust.allow_unsigned;
  chain.records = evidence.records.size();
  const bool chain_intact = verify_chain(evidence).intact;
  if (trust.allow_unsigned)
    context.io.err << gitops::unsigned_evidence_warning(policy.ref.path) << "\n";

  std::optional<PromotionPlan> last_plan;
  auto plan_attempt = [&](int) -> Result<std::optional<gitops::PlannedCommit>> {
    PlanInputs inputs{repo_path, policy,        *env_policy, evidence, chain, "sha256:" + evidence_hex,
                      request,   current_time()};
    RELGATE_ASSIGN_OR_RETURN(auto plan, plan_promotion(inputs));
    last_plan = std::move(plan);
    return last_plan->commit;
  };
  RELGATE_ASSIGN_OR_RETURN(auto published, gitops::publish(repo, publish_options, plan_attempt));
  if (!last_plan)
    return make_error("internal error: no promotion was planned");
  const PromotionPlan &plan = *last_plan;

  StepOutcome outcome;
  outcome.policy = policy.ref;
  outcome.inputs.push_back(FileRef{context.common.evidence_path, evidence_hex});
  outcome.judged_digest = evidence.subject.digest;
  outcome.checks = plan.admission.checks;
  // A broken chain cannot take one more record; the DENY still reaches stdout and the exit code.
  outcome.append_to_evidence = chain_intact;
  {
    outcome.text_details = "  checks:\n";
    for (const auto &check : plan.admission.checks) {
      outcome.text_details +=
          std::string("    ") + (check.passed ? "pass " : "FAIL ") + check.name + ": " + check.message + "\n";
    }
  }
  const std::string digest = evidence.subject.digest.str();
  if (plan.no_change) {
    outcome.decision = Decision::allow;
    outcome.text_details.clear();
    outcome.reasons.push_back(digest + " already runs at 100% in " + env + " as " + plan.release_id +
                              ": nothing to change");
  } else if (!plan.admission.passed()) {
    outcome.decision = Decision::deny;
    for (auto &reason : plan.admission.failure_reasons()) {
      outcome.reasons.push_back(
          published.conflicts > 0 ? "after the remote moved (re-checked on the new head): " + reason : reason);
    }
  } else {
    outcome.decision = Decision::allow;
    outcome.reasons.push_back(
        "promoted " + plan.after.image + "@" + digest + " to " + env + " at " + std::to_string(plan.weight) + "% as " +
        plan.release_id + " (commit " + published.commit.substr(0, 12) +
        (published.pushed ? ", pushed" : ", not pushed") +
        (published.conflicts > 0 ? ", after " + std::to_string(published.conflicts) + " push conflict(s)" : "") + ")");
  }

  auto total = std::chrono::steady_clock::now() - started;
  auto git_time = gitops::git_time_spent();
  auto to_ms = [](auto duration) { return std::chrono::duration<double, std::milli>(duration).count(); };
  auto &allocator = outcome.summary.GetAllocator();
  set_member(outcome.summary, "env", env, allocator);
  set_member(outcome.summary, "digest", digest, allocator);
  set_member(outcome.summary, "release_id", plan.release_id, allocator);
  set_member(outcome.summary, "weight", JsonValue(static_cast<int64_t>(plan.weight)), allocator);
  set_member(outcome.summary, "commit", published.commit, allocator);
  set_member(outcome.summary, "pushed", JsonValue(published.pushed), allocator);
  set_member(outcome.summary, "attempts", JsonValue(published.attempts), allocator);
  set_member(outcome.summary, "push_conflicts", JsonValue(published.conflicts), allocator);
  set_member(outcome.summary, "evidence_trust",
             trust.allow_unsigned ? std::string("unsigned (allow_unsigned = true)") : std::string("signed"), allocator);
  if (trust.allow_unsigned)
    set_member(outcome.summary, "warning", gitops::unsigned_evidence_warning(policy.ref.path), allocator);
  if (clock_is_pinned())
    set_member(outcome.summary, "pinned_clock", gitops::pinned_clock_text(), allocator);
  if (plan.before)
    add_state_summary(outcome.summary, "before", *plan.before, allocator);
  add_state_summary(outcome.summary, "after", plan.after, allocator);
  JsonValue timing(rapidjson::kObjectType);
  set_member(timing, "total_ms", JsonValue(to_ms(total)), allocator);
  set_member(timing, "git_ms", JsonValue(to_ms(git_time)), allocator);
  set_member(timing, "relgate_ms", JsonValue(to_ms(total - git_time)), allocator);
  set_member(timing, "git_processes", JsonValue(gitops::git_process_count()), allocator);
  set_member(outcome.summary, "timing", std::move(timing), allocator);
  outcome.outputs = {
      {"release_id", plan.release_id}, {"weight", std::to_string(plan.weight)}, {"commit", published.commit}};
  return outcome;
}

} // namespace relgate::promote
