#include "drill_probes.hpp"

#include "digest.hpp"
#include "encoding.hpp"
#include "http_client.hpp"
#include "json.hpp"
#include "process.hpp"

#include <cmath>
#include <cstdio>
#include <regex>

namespace relgate::rollback
{

Result<std::string> digest_in_status(const std::string &body)
{
  if (auto parsed = parse_json(body, "status"); parsed && parsed->IsObject()) {
    if (const JsonValue *digest = find_member(*parsed, "digest"); digest != nullptr) {
      if (!digest->IsString())
        return make_error("the status answer's \"digest\" is not a string");
      std::string text(digest->GetString(), digest->GetStringLength());
      RELGATE_TRY(parse_digest(text));
      return text;
    }
  }
  static const std::regex pattern("sha256:[0-9a-f]{64}");
  std::string found;
  for (auto it = std::sregex_iterator(body.begin(), body.end(), pattern); it != std::sregex_iterator(); ++it) {
    if (!found.empty() && found != it->str())
      return make_error("the status answer names more than one digest and has no \"digest\" member");
    found = it->str();
  }
  if (found.empty())
    return make_error("the status answer names no sha256 digest: \"" + printable_excerpt(body, 80) + "\"");
  return found;
}

Result<std::string> probe_running_digest(const StatusProbe &probe)
{
  if (!probe.url.empty()) {
    HttpRequest request;
    request.url = probe.url;
    request.timeout = probe.request_timeout;
    request.max_attempts = 1; // the converge loop retries
    RELGATE_ASSIGN_OR_RETURN(auto response, http_get(request));
    if (response.status != 200) {
      return make_error("status URL " + redact_url(probe.url) + " answered HTTP " + std::to_string(response.status));
    }
    return digest_in_status(response.body);
  }
  ProcessOptions options;
  options.timeout = probe.request_timeout;
  RELGATE_ASSIGN_OR_RETURN(auto result, run_process(probe.cmd, options));
  if (result.timed_out)
    return make_error("status command timed out");
  if (result.exit_code != 0) {
    return make_error("status command exited " + std::to_string(result.exit_code) + ": " +
                      printable_excerpt(result.stderr_text, 120));
  }
  return digest_in_status(result.stdout_text);
}

Result<Health> measure_health(const HealthCheck &check)
{
  std::vector<std::string> argv{check.slo_check, "--format=json", "--policy=" + check.policy,
                                "--window=" + format_duration(check.window)};
  if (!check.prometheus.empty())
    argv.push_back("--prometheus=" + check.prometheus);
  else
    argv.push_back("--metrics-url=" + check.metrics_url);
  if (!check.env.empty())
    argv.push_back("--env=" + check.env);
  ProcessOptions options;
  options.timeout = check.window * 3 + Duration(60000);
  RELGATE_ASSIGN_OR_RETURN(auto result, run_process(argv, options));
  if (result.timed_out)
    return make_error("post-check: slo-check timed out");
  auto parsed = parse_json(result.stdout_text, "slo-check output");
  if (!parsed || !parsed->IsObject()) {
    return make_error("post-check: slo-check exited " + std::to_string(result.exit_code) +
                      " without a JSON verdict: " + printable_excerpt(result.stderr_text, 200));
  }
  Health health;
  health.decision = get_string(*parsed, "decision").value_or("ERROR");
  if (const JsonValue *reasons = find_member(*parsed, "reasons"); reasons && reasons->IsArray()) {
    for (const auto &reason : reasons->GetArray()) {
      if (reason.IsString())
        health.reasons.emplace_back(reason.GetString(), reason.GetStringLength());
    }
  }
  if (const JsonValue *summary = find_member(*parsed, "summary"); summary && summary->IsObject()) {
    if (const JsonValue *value = find_member(*summary, "error_rate"); value && value->IsNumber())
      health.error_rate = value->GetDouble();
    if (const JsonValue *value = find_member(*summary, "latency_p99_seconds"); value && value->IsNumber())
      health.p99_seconds = value->GetDouble();
  }
  return health;
}

std::string compare_to_baseline(const Health &baseline, const Health &post, const BaselineTolerance &tolerance)
{
  if (post.decision != "ALLOW") {
    return "slo-check " + post.decision +
           (post.reasons.empty() ? std::string() : ": " + printable_excerpt(post.reasons.front(), 200));
  }
  if (!post.error_rate || !post.p99_seconds || !baseline.error_rate || !baseline.p99_seconds)
    return "the post-check policy must measure error_rate and p99_latency (both, before and after)";
  if (*post.error_rate > *baseline.error_rate + tolerance.error_rate) {
    return "error rate " + percent_text(*post.error_rate) + " > baseline " + percent_text(*baseline.error_rate) +
           " + " + percent_text(tolerance.error_rate);
  }
  const double p99_limit = *baseline.p99_seconds * tolerance.p99_ratio + tolerance.p99_slack_seconds;
  if (*post.p99_seconds > p99_limit) {
    return "p99 " + millis_text(*post.p99_seconds) + " > " + millis_text(p99_limit) + " (baseline " +
           millis_text(*baseline.p99_seconds) + ")";
  }
  return "";
}

std::string percent_text(double fraction)
{
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", fraction * 100.0);
  return text;
}

std::string millis_text(double seconds)
{
  char text[32];
  std::snprintf(text, sizeof text, "%.0f ms", seconds * 1000.0);
  return text;
}

} // namespace relgate::rollback
