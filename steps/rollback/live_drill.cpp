#include "live_drill.hpp"

#include "drill_commits.hpp"
#include "repo_layout.hpp"
#include "rollback_plan.hpp"
#include "time_util.hpp"

#include <cstdio>
#include <thread>

namespace relgate::rollback
{
namespace
{

using Clock = std::chrono::steady_clock;

int64_t ms_since(Clock::time_point started)
{
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
}

std::string seconds_text(int64_t ms)
{
  char text[32];
  std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(ms) / 1000.0);
  return text;
}

// The default target: the newest known-good release other than the running one, or --to.
Result<gitops::ReleaseRef> drill_target(const std::string &repo, const std::string &app, const std::string &env,
                                        const std::string &to, const gitops::ReleaseRef &running)
{
  RELGATE_ASSIGN_OR_RETURN(auto known_good, gitops::load_known_good(repo, app, env));
  RELGATE_ASSIGN_OR_RETURN(auto releases, gitops::load_releases_index(repo, app));
  if (!to.empty()) {
    RELGATE_ASSIGN_OR_RETURN(auto target, resolve_target(repo, app, env, known_good, to));
    if (target.digest == running.digest)
      return make_error("--to " + to + " is the release running now (" + running.release_id + ")");
    if (releases.rejected.count(target.digest))
      return make_error("--to " + to + " was rolled back earlier (rejected): a drill never restores it");
    return target;
  }
  for (auto it = known_good.releases.rbegin(); it != known_good.releases.rend(); ++it) {
    if (it->digest != running.digest && !releases.rejected.count(it->digest))
      return *it;
  }
  return make_error("no known-good release before " + running.release_id + " in " + env + " (" +
                    gitops::env_paths(app, env).known_good + "): a drill needs one to roll back to (or --to)");
}

// Polls the status probe until it reports `digest` or the timeout passes.
Result<void> wait_for_digest(const LiveDrillRequest &request, const std::string &digest)
{
  const auto deadline = Clock::now() + request.converge_timeout;
  std::string last = "no answer yet";
  while (true) {
    auto running = probe_running_digest(request.status);
    if (running && *running == digest)
      return ok_result();
    last = running ? "reports " + *running : running.message();
    if (Clock::now() >= deadline)
      break;
    std::this_thread::sleep_for(request.poll_interval);
  }
  return make_error("the service did not report " + digest + " within " + format_duration(request.converge_timeout) +
                    " (last: " + last + ")");
}

// Runs the post-check until it is back to baseline or the timeout passes (a fresh deployment may
// need a window or two to warm up).
Result<Health> wait_for_baseline(const LiveDrillRequest &request, const Health &baseline)
{
  const auto deadline = Clock::now() + request.post_check_timeout;
  std::string why;
  while (true) {
    auto post = measure_health(request.health);
    if (post) {
      why = compare_to_baseline(baseline, *post, request.tolerance);
      if (why.empty())
        return *post;
    } else {
      // A measurement that fails at once (the endpoint refuses connections) would otherwise
      // respawn slo-check back to back until the deadline.
      why = post.message();
      std::this_thread::sleep_for(request.poll_interval);
    }
    if (Clock::now() + request.health.window >= deadline)
      break;
  }
  return make_error("not back to baseline within " + format_duration(request.post_check_timeout) + ": " + why);
}

Result<void> push_commit(const LiveDrillRequest &request, const std::function<Result<gitops::PlannedCommit>()> &plan)
{
  gitops::GitRepo repo(request.repo);
  auto attempt = [&](int) -> Result<std::optional<gitops::PlannedCommit>> {
    RELGATE_ASSIGN_OR_RETURN(auto commit, plan());
    return std::optional<gitops::PlannedCommit>(std::move(commit));
  };
  RELGATE_TRY(gitops::publish(repo, request.publish, attempt));
  return ok_result();
}

std::string ledger_summary(const LiveDrillResult &result)
{
  std::string text = "drill " + std::string(result.success ? "success" : "failed");
  if (!result.success)
    text += " at " + result.failed_phase + ": " + result.failure;
  text += "; " + result.from.release_id + " -> " + result.to.release_id;
  for (const char *phase : {"rollback", "converge", "post_check", "roll_forward"}) {
    auto it = result.phases_ms.find(phase);
    if (it != result.phases_ms.end())
      text += ", " + std::string(phase) + " " + std::to_string(it->second) + " ms";
  }
  text += result.rolled_forward ? "; rolled forward" : "; not rolled forward";
  return text;
}

} // namespace

Result<LiveDrillResult> run_live_drill(const LiveDrillRequest &request)
{
  LiveDrillResult result;
  // Set-up: nothing changes until every check here passes.
  RELGATE_ASSIGN_OR_RETURN(auto state, gitops::load_state(request.repo, request.app, request.env));
  if (!state || !state->stable)
    return make_error(request.env + " runs no stable release: nothing to drill");
  if (state->canary) {
    return make_error(request.env + " runs a canary (" + state->canary->release_id +
                      "): a live drill needs a settled environment");
  }
  result.from = *state->stable;
  RELGATE_ASSIGN_OR_RETURN(result.to, drill_target(request.repo, request.app, request.env, request.to, result.from));
  RELGATE_ASSIGN_OR_RETURN(auto running, probe_running_digest(request.status));
  if (running != result.from.digest) {
    return make_error("the service reports " + running + " but " + request.env + " pins " + result.from.digest +
                      ": it has not converged on the current release; no drill on an unsettled environment");
  }
  RELGATE_ASSIGN_OR_RETURN(result.baseline, measure_health(request.health));
  if (result.baseline.decision != "ALLOW" || !result.baseline.error_rate || !result.baseline.p99_seconds) {
    return make_error(
        "baseline: slo-check " + result.baseline.decision +
        (result.baseline.reasons.empty() ? std::string() : " (" + result.baseline.reasons.front() + ")") +
        (result.baseline.decision == "ALLOW" ? "; the post-check policy must measure error_rate and p99_latency" : "") +
        ": a drill starts only from a healthy, measured baseline");
  }

  auto fail = [&result](const char *phase, std::string why) {
    if (result.failed_phase.empty()) {
      result.failed_phase = phase;
      result.failure = std::move(why);
    }
  };
  // Phase 1: the rollback commit, pushed. Trigger time starts here.
  auto started = Clock::now();
  const std::string env = request.env;
  auto pushed = push_commit(request, [&]() {
    return plan_drill_move(
        {request.repo, request.app, env,
         gitops::ReleaseRef{result.to.release_id, result.to.digest, format_rfc3339(current_time())},
         "drill " + request.app + "/" + env + ": rollback " + result.from.release_id + " -> " + result.to.release_id,
         current_time()},
        result.from.digest);
  });
  result.phases_ms["rollback"] = ms_since(started);
  if (!pushed) {
    // Nothing reached the remote (publish refuses or fails before pushing): nothing to roll forward.
    fail("rollback", pushed.message());
    result.recovery_ms = result.phases_ms["rollback"];
    return result;
  }
  // Phase 2: converge.
  started = Clock::now();
  auto converged = wait_for_digest(request, result.to.digest);
  result.phases_ms["converge"] = ms_since(started);
  if (!converged)
    fail("converge", converged.message());
  // Phase 3: post-check against the baseline.
  if (converged) {
    started = Clock::now();
    auto post = wait_for_baseline(request, result.baseline);
    result.phases_ms["post_check"] = ms_since(started);
    if (post)
      result.post = *post;
    else
      fail("post_check", post.message());
  }
  result.recovery_ms = result.phases_ms["rollback"] + result.phases_ms["converge"] +
                       (result.phases_ms.count("post_check") ? result.phases_ms["post_check"] : 0);
  // Phase 4: roll forward (also after a failure: the drill must leave what it found).
  if (request.roll_forward) {
    started = Clock::now();
    auto forward = push_commit(request, [&]() {
      return plan_drill_move({request.repo, request.app, env, result.from,
                              "drill " + request.app + "/" + env + ": roll forward " + result.to.release_id + " -> " +
                                  result.from.release_id,
                              current_time()},
                             result.to.digest);
    });
    if (forward) {
      result.rolled_forward = true;
      forward = wait_for_digest(request, result.from.digest);
    }
    result.phases_ms["roll_forward"] = ms_since(started);
    if (!forward)
      fail("roll_forward", forward.message());
  }
  result.success = result.failed_phase.empty();
  // The ledger line (one per drill). A failure here is reported, not hidden: the evidence record
  // still says what happened.
  auto recorded = push_commit(request, [&]() {
    return plan_drill_record(
        {request.repo, request.app, env, result.to, result.success, ledger_summary(result), current_time()});
  });
  result.ledger_note = recorded ? "ledger: drill line written" : "ledger: NOT written: " + recorded.message();
  return result;
}

std::string drill_report_lines(const LiveDrillResult &result)
{
  std::string text;
  if (result.success) {
    text += "rollback: success in " + seconds_text(result.recovery_ms) + "\n";
  } else {
    text += "rollback: FAILED at " + result.failed_phase + " after " + seconds_text(result.recovery_ms) + ": " +
            result.failure + "\n";
  }
  if (result.post.error_rate && result.post.p99_seconds && result.baseline.error_rate && result.baseline.p99_seconds) {
    text += "post_check: error rate " + percent_text(*result.post.error_rate) + " and p99 " +
            millis_text(*result.post.p99_seconds) + " back to baseline (" + percent_text(*result.baseline.error_rate) +
            ", " + millis_text(*result.baseline.p99_seconds) + ")\n";
  } else if (result.baseline.error_rate && result.baseline.p99_seconds) {
    text += "post_check: not back to baseline (" + percent_text(*result.baseline.error_rate) + ", " +
            millis_text(*result.baseline.p99_seconds) + ")\n";
  }
  text += "phases:";
  for (const char *phase : {"rollback", "converge", "post_check", "roll_forward"}) {
    auto it = result.phases_ms.find(phase);
    if (it != result.phases_ms.end())
      text += " " + std::string(phase) + " " + std::to_string(it->second) + " ms";
  }
  text += result.rolled_forward ? "; rolled forward to " + result.from.release_id + "\n"
                                : "; not rolled forward: " + result.to.release_id + " stays\n";
  return text;
}

} // namespace relgate::rollback
