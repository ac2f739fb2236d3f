#include "rollback_step.hpp"

#include "digest.hpp"

#include "app_layout.hpp"
#include "env_state.hpp"
#include "evidence_trust.hpp"
#include "git_cli.hpp"
#include "live_drill.hpp"
#include "pinned_clock.hpp"
#include "publish.hpp"
#include "repo_layout.hpp"
#include "rollback_drill.hpp"
#include "rollback_scope.hpp"
#include "time_util.hpp"
#include <unistd.h>

namespace relgate::rollback
{
namespace
{

void add_plan_summary(StepOutcome &outcome, const std::string &app, const std::string &env, const RollbackPlan &plan)
{
  auto &allocator = outcome.summary.GetAllocator();
  set_member(outcome.summary, "app", app, allocator);
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
Result<std::optional<std::string>> skip_reason_if_not_denied(StepContext &context, const std::string &app,
                                                             const std::string &env, const std::string &repo_path,
                                                             std::string &denied)
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
  RELGATE_TRY(gitops::check_no_legacy_layout(repo_path));
  RELGATE_ASSIGN_OR_RETURN(auto state, gitops::load_state(repo_path, app, env));
  if (auto gone = denied_release_gone(state, denied, env); !gone.empty())
    return std::optional<std::string>(gone);
  return std::optional<std::string>();
}

std::string executable_directory()
{
  char buffer[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0)
    return ".";
  std::string path(buffer, static_cast<std::size_t>(n));
  return path.substr(0, path.rfind('/'));
}

bool is_http_url(const std::string &url)
{
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

Result<LiveDrillRequest> live_drill_request(StepContext &context, const std::string &repo, const std::string &app,
                                            const std::string &env)
{
  const auto &args = context.args;
  LiveDrillRequest request;
  request.repo = repo;
  request.app = app;
  request.env = env;
  request.to = args.value_or("to", "");
  request.publish.push = true;
  request.publish.remote = args.value_or("remote", "origin");
  request.roll_forward = !args.has("no-roll-forward");
  request.status.url = args.value_or("status-url", "");
  if (const auto cmd = args.value("status-cmd")) {
    request.status.cmd.push_back(*cmd);
    for (const auto &arg : args.values("status-arg"))
      request.status.cmd.push_back(arg);
  } else if (!args.values("status-arg").empty()) {
    return make_error("--status-arg goes with --status-cmd");
  }
  if (request.status.url.empty() == request.status.cmd.empty())
    return make_error(
        "--drill --live needs one of --status-url URL or --status-cmd PROGRAM: what says which digest runs");
  if (!request.status.url.empty() && !is_http_url(request.status.url))
    return make_error("--status-url: expected an http:// or https:// URL");
  request.health.policy = args.value_or("post-check-policy", "");
  if (request.health.policy.empty())
    return make_error("--drill --live needs --post-check-policy FILE (a slo-check policy measuring error_rate and "
                      "p99_latency)");
  request.health.metrics_url = args.value_or("post-check-url", "");
  request.health.prometheus = args.value_or("post-check-prometheus", "");
  if (request.health.metrics_url.empty() == request.health.prometheus.empty())
    return make_error("--drill --live needs one of --post-check-url URL (/metrics) or --post-check-prometheus URL");
  if (!is_http_url(request.health.metrics_url + request.health.prometheus))
    return make_error("--post-check-url / --post-check-prometheus: expected an http:// or https:// URL");
  request.health.env = env;
  request.health.slo_check = args.value_or("slo-check", executable_directory() + "/slo-check");
  RELGATE_ASSIGN_OR_RETURN(auto window, args.duration("post-check-window"));
  if (window)
    request.health.window = *window;
  RELGATE_ASSIGN_OR_RETURN(auto converge, args.duration("converge-timeout"));
  if (converge)
    request.converge_timeout = *converge;
  RELGATE_ASSIGN_OR_RETURN(auto post, args.duration("post-check-timeout"));
  if (post)
    request.post_check_timeout = *post;
  if (request.health.window.count() <= 0 || request.converge_timeout.count() <= 0 ||
      request.post_check_timeout.count() <= 0)
    return make_error("--post-check-window, --converge-timeout and --post-check-timeout must be longer than 0");
  RELGATE_ASSIGN_OR_RETURN(auto error_rate, args.number("tolerance-error-rate"));
  if (error_rate) {
    if (!(*error_rate >= 0 && *error_rate <= 1))
      return make_error("--tolerance-error-rate: a fraction 0..1 (0.005 = half a percentage point)");
    request.tolerance.error_rate = *error_rate;
  }
  RELGATE_ASSIGN_OR_RETURN(auto p99, args.number("tolerance-p99"));
  if (p99) {
    if (!(*p99 >= 1 && *p99 <= 100))
      return make_error("--tolerance-p99: a factor 1..100 of the baseline p99 (1.25 = 25% slower)");
    request.tolerance.p99_ratio = *p99;
  }
  return request;
}

void add_live_drill_summary(StepOutcome &outcome, const std::string &app, const std::string &env,
                            const LiveDrillResult &drill)
{
  auto &a = outcome.summary.GetAllocator();
  auto number = [](const std::optional<double> &value) { return value ? JsonValue(*value) : JsonValue(); };
  set_member(outcome.summary, "app", app, a);
  set_member(outcome.summary, "env", env, a);
  set_member(outcome.summary, "mode", "drill", a);
  set_member(outcome.summary, "result", drill.success ? "success" : "failed", a);
  set_member(outcome.summary, "failed_phase", drill.failed_phase, a);
  JsonValue phases(rapidjson::kObjectType);
  for (const char *phase : {"rollback", "converge", "post_check", "roll_forward"}) {
    auto it = drill.phases_ms.find(phase);
    set_member(phases, phase, it == drill.phases_ms.end() ? JsonValue() : JsonValue(it->second), a);
  }
  set_member(outcome.summary, "phases_ms", std::move(phases), a);
  set_member(outcome.summary, "recovery_ms", JsonValue(drill.recovery_ms), a);
  set_member(outcome.summary, "from_digest", drill.from.digest, a);
  set_member(outcome.summary, "to_digest", drill.to.digest, a);
  set_member(outcome.summary, "from_release", drill.from.release_id, a);
  set_member(outcome.summary, "to_release", drill.to.release_id, a);
  JsonValue baseline(rapidjson::kObjectType);
  set_member(baseline, "error_rate", number(drill.baseline.error_rate), a);
  set_member(baseline, "latency_p99_seconds", number(drill.baseline.p99_seconds), a);
  set_member(outcome.summary, "baseline", std::move(baseline), a);
  JsonValue post(rapidjson::kObjectType);
  set_member(post, "error_rate", number(drill.post.error_rate), a);
  set_member(post, "latency_p99_seconds", number(drill.post.p99_seconds), a);
  set_member(outcome.summary, "post", std::move(post), a);
  set_member(outcome.summary, "rolled_forward", JsonValue(drill.rolled_forward), a);
  outcome.outputs = {{"drill_result", drill.success ? "success" : "failed"},
                     {"recovery_ms", std::to_string(drill.recovery_ms)}};
}

} // namespace

StepSpec rollback_spec()
{
  StepSpec spec;
  spec.name = "rollback";
  spec.usage = "rollback --repo PATH --env NAME [--app NAME] [--to RELEASE_ID|DIGEST] [--reason TEXT] [--push] "
               "[--if-denied --evidence FILE] [--drill [--live --status-url URL --post-check-policy FILE "
               "--post-check-url URL]]";
  spec.description =
      "Returns an environment of a GitOps repository to its last known-good release (the newest earlier release "
      "that reached 100% and was not rolled back) or to --to, clears the canary, and marks the bad release "
      "rejected so promote refuses it. Always a new commit with Relgate-* trailers, never a history rewrite. "
      "It acts on one application (relgate/<app>/<env>/): --app, else the last path component of the --evidence "
      "subject's repository, else the repository's only application. With --policy, --env must be an environment "
      "of that application in the policy.";
  spec.options = {
      value_option("repo", "PATH", "clone of the GitOps repository (its top folder)"),
      value_option("app", "NAME",
                   "the application (default: from the --evidence subject's repository, else the repository's only "
                   "application)"),
      value_option("to", "RELEASE_ID|DIGEST", "roll back to this release instead of the last known-good"),
      value_option("reason", "TEXT", "why (recorded in the ledger, the commit and the rejected list)"),
      flag_option("push", "push the commit; on a non-fast-forward, fetch, re-plan and retry"),
      value_option("remote", "NAME", "remote to push to", "origin"),
      flag_option("if-denied", "roll back only when the newest slo-check record for --env in --evidence is DENY"),
      flag_option("drill", "rehearse in a scratch clone (never pushed): time it and check the result; with --live, "
                           "for real"),
      flag_option("live", "with --drill: push the rollback, wait for the service to run it, post-check its health "
                          "against the baseline, roll forward; recorded in the evidence and the ledger"),
      value_option("status-url", "URL", "live drill: GET answers the running digest (JSON \"digest\" or in the body)"),
      value_option("status-cmd", "PROGRAM", "live drill: a program (argv, no shell) printing the running digest"),
      repeated_option("status-arg", "ARG", "live drill: an argument of --status-cmd (repeatable, in order)"),
      value_option("converge-timeout", "DURATION",
                   "live drill: how long the service may take to run a release "
                   "(default 60s)"),
      value_option("post-check-policy", "FILE", "live drill: slo-check policy measuring error_rate and p99_latency"),
      value_option("post-check-url", "URL", "live drill: the service's /metrics endpoint for the post-check"),
      value_option("post-check-prometheus", "URL", "live drill: a Prometheus server for the post-check instead"),
      value_option("post-check-window", "DURATION", "live drill: slo-check --window (default 5s)"),
      value_option("post-check-timeout", "DURATION", "live drill: how long health may take to return (default 60s)"),
      value_option("tolerance-error-rate", "FRACTION",
                   "live drill: allowed error-rate rise over the baseline "
                   "(default 0.005)"),
      value_option("tolerance-p99", "FACTOR", "live drill: allowed p99 as a multiple of the baseline (default 1.25)"),
      flag_option("no-roll-forward", "live drill: stay on the rolled-back release"),
      value_option("slo-check", "PATH", "live drill: the slo-check executable (default: next to rollback)"),
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
  if (args.has("drill") && args.has("push") && !args.has("live"))
    return make_error(
        "--drill never pushes (a dry drill in a scratch clone): drop --push, or add --live for a real one");
  if (args.has("live") && !args.has("drill"))
    return make_error("--live goes with --drill");
  if (args.has("live") && args.has("if-denied"))
    return make_error("--drill --live and --if-denied do not mix");
  RELGATE_ASSIGN_OR_RETURN(const std::string app,
                           choose_rollback_app(args.value("app"), context.common.evidence_path, repo_path));
  // --policy: the application's environments decide which --env exists (a [clock] / [evidence]
  // policy lists none and checks nothing). Its [clock] and [evidence] are read below.
  if (args.has("policy"))
    RELGATE_TRY(check_env_in_policy(context.common.policy_path, app, env));
  RELGATE_TRY(check_evidence_of_app(context.common.evidence_path, repo_path, app, env));
  // [clock] is read only when --now pinned the clock ([evidence] only for --if-denied).
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
  outcome.append_to_evidence = !context.common.evidence_path.empty() && (!args.has("drill") || args.has("live"));
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
    RELGATE_ASSIGN_OR_RETURN(auto skip, skip_reason_if_not_denied(context, app, env, repo_path, denied_digest));
    if (skip) {
      mark_skipped(*skip);
      return outcome;
    }
  }

  RollbackRequest request{repo_path, app, env, args.value_or("to", ""), args.value_or("reason", ""), current_time()};
  if (args.has("if-denied") && request.reason.empty())
    request.reason = "slo-check DENY for " + env;

  if (args.has("live")) {
    RELGATE_TRY(gitops::validate_remote(args.value_or("remote", "origin")));
    gitops::GitRepo original(repo_path);
    RELGATE_TRY(gitops::check_repository(original));
    RELGATE_TRY(gitops::check_no_legacy_layout(repo_path));
    RELGATE_ASSIGN_OR_RETURN(auto live, live_drill_request(context, repo_path, app, env));
    RELGATE_ASSIGN_OR_RETURN(auto drill, run_live_drill(live));
    add_live_drill_summary(outcome, app, env, drill);
    outcome.decision = drill.success ? Decision::allow : Decision::deny;
    const std::string lines = drill_report_lines(drill);
    std::size_t start = 0;
    while (start < lines.size()) {
      const std::size_t end = lines.find('\n', start);
      outcome.reasons.push_back(lines.substr(start, end - start));
      start = end + 1;
    }
    outcome.reasons.push_back(drill.ledger_note);
    outcome.checks.push_back(CheckResult{"live-drill", drill.success,
                                         drill.success ? "recovered in " + std::to_string(drill.recovery_ms) + " ms"
                                                       : drill.failed_phase + ": " + drill.failure});
    return outcome;
  }

  if (args.has("drill")) {
    gitops::GitRepo original(repo_path);
    RELGATE_TRY(gitops::check_repository(original));
    RELGATE_TRY(gitops::check_no_legacy_layout(repo_path));
    RELGATE_ASSIGN_OR_RETURN(auto drill, run_drill(request));
    add_plan_summary(outcome, app, env, drill.plan);
    auto &allocator = outcome.summary.GetAllocator();
    set_member(outcome.summary, "drill", JsonValue(true), allocator);
    set_member(outcome.summary, "elapsed_ms", JsonValue(static_cast<int64_t>(drill.elapsed.count())), allocator);
    set_member(outcome.summary, "post_check", drill.post_check, allocator);
    set_member(outcome.summary, "post_check_passed", JsonValue(drill.post_check_passed), allocator);
    outcome.checks.push_back(CheckResult{"drill-post-check", drill.post_check_passed, drill.post_check});
    outcome.decision = drill.post_check_passed ? Decision::allow : Decision::deny;
    outcome.reasons.push_back("drill: rolled " + env + " back from " + drill.plan.bad.release_id + " to " +
                              target_text(drill.plan) + " in a scratch clone in " +
                              std::to_string(drill.elapsed.count()) +
                              " ms (nothing pushed: a dry drill; --live rolls back for real)");
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
    RELGATE_TRY(gitops::check_no_legacy_layout(repo_path));
    // --push has just reset the clone to the remote head: a stale clone (a CI retry, a duplicate
    // job) must not roll back whatever runs there now, only the release the DENY is about.
    if (!denied_digest.empty()) {
      RELGATE_ASSIGN_OR_RETURN(auto state, gitops::load_state(repo_path, app, env));
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
  add_plan_summary(outcome, app, env, *last_plan);
  auto &allocator = outcome.summary.GetAllocator();
  set_member(outcome.summary, "commit", published.commit, allocator);
  JsonValue push(rapidjson::kObjectType);
  set_member(push, "attempts", JsonValue(published.attempts), allocator);
  set_member(push, "conflicts", JsonValue(published.conflicts), allocator);
  set_member(push, "wait_ms", JsonValue(static_cast<int64_t>(published.wait_ms)), allocator);
  set_member(outcome.summary, "push", std::move(push), allocator);
  set_member(outcome.summary, "pushed", JsonValue(published.pushed), allocator);
  set_member(outcome.summary, "rolled_back", JsonValue(true), allocator);
  outcome.outputs.emplace_back("commit", published.commit);
  outcome.decision = Decision::allow;
  outcome.reasons.push_back("rolled " + env + " back from " + last_plan->bad.release_id + " to " +
                            target_text(*last_plan) + " (app " + app + ", commit " + published.commit.substr(0, 12) +
                            (published.pushed ? ", pushed" : ", not pushed") + ")");
  outcome.reasons.push_back(last_plan->bad.release_id + " is marked rejected: promote refuses its digest from now on");
  return outcome;
}

} // namespace relgate::rollback
