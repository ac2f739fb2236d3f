#include "promote_step.hpp"

#include "app_layout.hpp"
#include "digest.hpp"
#include "evidence_trust.hpp"
#include "file_io.hpp"
#include "git_cli.hpp"
#include "layout_migration.hpp"
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
    return make_error("--env " + env + ": not an environment of " + policy.ref.path +
                      (policy.app.empty() ? std::string() : " for application " + policy.app) + " (known: " + known +
                      ")");
  }
  return &found->second;
}

// --app, else the last path component of the evidence subject's repository.
Result<std::string> choose_app(const ParsedArgs &args, const EvidenceFile &evidence)
{
  if (auto app = args.value("app")) {
    if (auto valid = gitops::validate_app_name(*app); !valid)
      return make_error("--app: " + valid.message());
    return *app;
  }
  return gitops::app_name_from_subject(evidence.subject.name);
}

void add_push_summary(JsonValue &summary, const gitops::PublishResult &published, JsonAllocator &allocator)
{
  JsonValue push(rapidjson::kObjectType);
  set_member(push, "attempts", JsonValue(published.attempts), allocator);
  set_member(push, "conflicts", JsonValue(published.conflicts), allocator);
  set_member(push, "wait_ms", JsonValue(static_cast<int64_t>(published.wait_ms)), allocator);
  set_member(summary, "push", std::move(push), allocator);
}

// promote --migrate-layout --app NAME: one commit from relgate/<env>/ to relgate/<app>/<env>/.
Result<StepOutcome> run_migration(StepContext &context, const std::string &repo_path)
{
  const auto &args = context.args;
  auto app = args.value("app");
  if (!app)
    return make_error("--migrate-layout needs --app NAME: the application the existing environments belong to");
  if (auto valid = gitops::validate_app_name(*app); !valid)
    return make_error("--app: " + valid.message());
  if (!context.common.scope.env.empty() || !context.common.evidence_path.empty())
    return make_error("--migrate-layout takes no --env or --evidence: it moves every environment folder at once");
  gitops::PublishOptions options;
  options.push = args.has("push");
  options.remote = args.value_or("remote", "origin");
  gitops::GitRepo repo(repo_path);
  RELGATE_ASSIGN_OR_RETURN(auto report, gitops::migrate_layout(repo, *app, options));
  StepOutcome outcome;
  outcome.decision = Decision::allow;
  outcome.append_to_evidence = false;
  auto &allocator = outcome.summary.GetAllocator();
  set_member(outcome.summary, "app", *app, allocator);
  set_member(outcome.summary, "migrated", JsonValue(!report.already_migrated), allocator);
  set_member(outcome.summary, "commit", report.published.commit, allocator);
  set_member(outcome.summary, "pushed", JsonValue(report.published.pushed), allocator);
  set_member(outcome.summary, "environments", json_string_array(report.envs, allocator), allocator);
  set_member(outcome.summary, "overlays_rewritten", json_string_array(report.overlays, allocator), allocator);
  set_member(outcome.summary, "check_by_hand", json_string_array(report.other_mentions, allocator), allocator);
  set_member(outcome.summary, "symlinks_not_read", json_string_array(report.symlinks, allocator), allocator);
  add_push_summary(outcome.summary, report.published, allocator);
  if (report.already_migrated) {
    outcome.reasons.push_back(repo_path + " already has relgate/" + *app +
                              "/ and nothing of the single-application layout: nothing to migrate");
    return outcome;
  }
  std::string envs;
  for (const auto &env : report.envs)
    envs += (envs.empty() ? "" : ", ") + env;
  outcome.reasons.push_back("migrated " + envs + " to relgate/" + *app + "/<env>/ in one commit (" +
                            report.published.commit.substr(0, 12) +
                            (report.published.pushed ? ", pushed" : ", not pushed") + ")");
  for (const auto &overlay : report.overlays)
    outcome.reasons.push_back("rewrote the Component reference at " + overlay);
  for (const auto &file : report.other_mentions)
    outcome.reasons.push_back("check by hand: " + file + " names an old relgate/<env> folder (not a kustomization)");
  for (const auto &file : report.symlinks)
    outcome.reasons.push_back("check by hand: " + file + " is a symlink; the migration does not follow it");
  outcome.outputs = {{"commit", report.published.commit}};
  return outcome;
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
  spec.usage = "promote --repo PATH --env NAME --evidence FILE [--app NAME] [--stage N] [--approved-by WHO ...] "
               "[--push] [options]\n       promote --migrate-layout --app NAME --repo PATH [--push]";
  spec.description =
      "Moves the evidence file's subject digest into an environment of one application of a GitOps repository "
      "(relgate/<app>/<env>/: state file, kustomize Component, rendered templates, ledger; one commit with Relgate-* "
      "trailers), one canary stage at a time, when every admission check of the policy (with its [apps.<app>] "
      "overrides) passes. Without --stage it moves to the next stage. Without --app the application is the last "
      "path component of the evidence subject's repository (ghcr.io/acme/api -> api). A repository with the "
      "single-application layout (relgate/<env>/) is refused until --migrate-layout moved it, in one commit.";
  spec.options = {
      value_option("repo", "PATH", "clone of the GitOps repository (its top folder)"),
      value_option("app", "NAME",
                   "the application (default: the last path component of the subject's repository; "
                   "lowercase letters, digits, - _ ., not 'templates')"),
      flag_option("migrate-layout", "move relgate/<env>/ and relgate/releases.json under relgate/<app>/ in one "
                                    "commit, rewriting overlay Component paths (needs --app; refused on a dirty tree)"),
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
  if (args.has("migrate-layout"))
    return run_migration(context, repo_path);
  const std::string env = context.common.scope.env;
  if (env.empty())
    return make_error("--env is required: the environment to promote to (e.g. --env staging)");
  if (context.common.evidence_path.empty()) {
    return make_error("--evidence is required: promote moves the subject digest of the evidence file");
  }
  if (auto app_flag = args.value("app"); app_flag && !gitops::validate_app_name(*app_flag))
    return make_error("--app: " + gitops::validate_app_name(*app_flag).message());
  // One read: the bytes judged are the bytes hashed into the ledger and the commit (a second
  // read could see a file swapped in between).
  RELGATE_ASSIGN_OR_RETURN(auto evidence_text,
                           read_file(context.common.evidence_path, max_evidence_bytes, Symlinks::refuse));
  RELGATE_ASSIGN_OR_RETURN(auto evidence, parse_evidence(evidence_text, context.common.evidence_path));
  RELGATE_ASSIGN_OR_RETURN(const std::string app, choose_app(args, evidence));
  RELGATE_ASSIGN_OR_RETURN(auto policy, load_promotion_policy(context.common.policy_path, app));
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
  publish_options.time_budget = policy.push_time_budget;
  if (publish_options.push)
    RELGATE_TRY(gitops::validate_remote(publish_options.remote));

  // Everything that can fail after the push is checked before anything is committed: the
  // signing key of the record appended at the end, and the trusted keys.
  RELGATE_TRY(gitops::check_evidence_signing_key());
  RELGATE_ASSIGN_OR_RETURN(
      auto trust, gitops::load_evidence_trust(policy.evidence, policy.ref.path, args.values("trusted-key"), "promote"));
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
    // After every fetch: another run may have migrated (or a stale clone may predate a migration).
    RELGATE_TRY(gitops::check_no_legacy_layout(repo_path));
    PlanInputs inputs{repo_path, app,           policy, *env_policy, evidence, chain, "sha256:" + evidence_hex,
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
        plan.release_id + " (app " + app + ", commit " + published.commit.substr(0, 12) +
        (published.pushed ? ", pushed" : ", not pushed") +
        (published.conflicts > 0 ? ", after " + std::to_string(published.conflicts) + " push conflict(s)" : "") + ")");
  }

  auto total = std::chrono::steady_clock::now() - started;
  auto git_time = gitops::git_time_spent();
  auto to_ms = [](auto duration) { return std::chrono::duration<double, std::milli>(duration).count(); };
  auto &allocator = outcome.summary.GetAllocator();
  set_member(outcome.summary, "app", app, allocator);
  set_member(outcome.summary, "env", env, allocator);
  set_member(outcome.summary, "digest", digest, allocator);
  set_member(outcome.summary, "release_id", plan.release_id, allocator);
  set_member(outcome.summary, "weight", JsonValue(static_cast<int64_t>(plan.weight)), allocator);
  set_member(outcome.summary, "commit", published.commit, allocator);
  set_member(outcome.summary, "pushed", JsonValue(published.pushed), allocator);
  set_member(outcome.summary, "attempts", JsonValue(published.attempts), allocator);
  set_member(outcome.summary, "push_conflicts", JsonValue(published.conflicts), allocator);
  add_push_summary(outcome.summary, published, allocator);
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
