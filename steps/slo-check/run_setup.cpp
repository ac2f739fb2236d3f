#include "run_setup.hpp"

#include "digest.hpp"
#include "encoding.hpp"
#include "text_case.hpp"

namespace relgate::slo
{

namespace
{

// A role is pasted into the policy's PromQL (a label value): only a plain value is accepted, so
// no pipeline input can close the string and add or drop matchers.
Result<void> check_role_value(const std::string &option, const std::string &value)
{
  if (value.empty())
    return make_error("--" + option + ": empty; give the label value that {{ role }} stands for, e.g. canary");
  for (const char c : value) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                       c == '.' || c == ':' || c == '-';
    if (!plain) {
      return make_error("--" + option + ": '" + printable_excerpt(value) +
                        "' is not a plain label value (it goes into the policy's PromQL): use only letters, digits "
                        "and _ . : -, e.g. canary");
    }
  }
  return ok_result();
}

// The baseline is what excuses a failing canary (excuse_if_baseline_fails) and what relative
// criteria compare to: the canary as its own baseline excuses every failure, so it is refused.
std::string without_trailing_slash(std::string url)
{
  while (!url.empty() && url.back() == '/')
    url.pop_back();
  return url;
}

Result<void> check_baseline_files(const std::vector<std::string> &canary, const std::vector<std::string> &baseline)
{
  std::vector<std::string> canary_sha;
  for (const auto &file : canary) {
    RELGATE_ASSIGN_OR_RETURN(auto sha, sha256_file_hex(file));
    canary_sha.push_back(sha);
  }
  for (const auto &file : baseline) {
    RELGATE_ASSIGN_OR_RETURN(auto sha, sha256_file_hex(file));
    for (std::size_t i = 0; i < canary.size(); ++i) {
      if (file != canary[i] && sha != canary_sha[i])
        continue;
      return make_error("--baseline-file " + printable_excerpt(file) + ": " +
                        (file == canary[i] ? "is" : "has the same bytes as") + " the canary's --metrics-file " +
                        printable_excerpt(canary[i]) +
                        ": the canary cannot be its own baseline; give the baseline's own scrape");
    }
  }
  return ok_result();
}

} // namespace

Result<SourceChoice> choose_source(const ParsedArgs &args, const SloPolicy &policy, const HttpSettings &http)
{
  const bool prometheus = args.has("prometheus");
  const bool metrics_url = args.has("metrics-url");
  const auto files = args.values("metrics-file");
  const bool canary_url = args.has("canary-url");
  const int chosen = int(prometheus) + int(metrics_url) + int(!files.empty()) + int(canary_url);
  if (!args.values("baseline-file").empty() && files.empty()) {
    return make_error("--baseline-file needs --metrics-file (the canary's saved scrapes)");
  }
  if (chosen != 1) {
    return make_error(
        "choose exactly one source: --prometheus URL, --metrics-url URL, --metrics-file FILE [--metrics-file FILE], "
        "or --canary-url URL --baseline-url URL");
  }
  if (args.has("baseline-url") && !canary_url)
    return make_error("--baseline-url needs --canary-url (the two targets compared)");
  if ((args.has("canary-role") || args.has("baseline-role")) && !prometheus) {
    return make_error("--canary-role/--baseline-role fill {{ role }} in PromQL: they need --prometheus");
  }
  for (const char *option : {"canary-role", "baseline-role"}) {
    if (args.has(option))
      RELGATE_TRY(check_role_value(option, *args.value(option)));
  }
  SourceChoice choice;
  for (const auto &objective : policy.objectives) {
    if (objective.metric.kind == MetricSpec::Kind::query && !prometheus) {
      return make_error("objective '" + objective.name +
                        "' is a PromQL query: run with --prometheus URL (or use a built-in metric)");
    }
  }
  if (prometheus) {
    const std::string canary_role = args.value_or("canary-role", "");
    if (args.has("baseline-role")) {
      if (canary_role.empty())
        return make_error("--baseline-role needs --canary-role");
      if (*args.value("baseline-role") == canary_role) {
        return make_error("--baseline-role " + canary_role +
                          " is the --canary-role: the canary cannot be its own baseline; give the baseline's role");
      }
      choice.targets = {{"canary", "", canary_role}, {"baseline", "", *args.value("baseline-role")}};
      choice.comparing = true;
      choice.judged_role = "canary";
    } else {
      choice.targets = {{canary_role.empty() ? "target" : "canary", "", canary_role}};
      choice.judged_role = choice.targets[0].role;
    }
    bool uses_role = policy.prometheus_selector.find("role") != std::string::npos;
    for (const auto &objective : policy.objectives)
      uses_role |= objective.metric.query.find("{{") != std::string::npos &&
                   objective.metric.query.find("role") != std::string::npos;
    if (uses_role && canary_role.empty())
      return make_error(
          "the policy's PromQL uses {{ role }}: pass --canary-role VALUE (and --baseline-role VALUE to compare)");
    choice.source = make_prometheus_source(*args.value("prometheus"), choice.targets, http, policy);
  } else if (metrics_url || canary_url) {
    if (metrics_url) {
      choice.targets = {{"target", *args.value("metrics-url"), ""}};
    } else {
      choice.targets = {{"canary", *args.value("canary-url"), ""}};
      if (args.has("baseline-url")) {
        if (ascii_iequals(without_trailing_slash(*args.value("baseline-url")),
                          without_trailing_slash(*args.value("canary-url")))) {
          return make_error("--baseline-url is the --canary-url: the canary cannot be its own baseline; give the "
                            "baseline's endpoint");
        }
        choice.targets.push_back({"baseline", *args.value("baseline-url"), ""});
        choice.comparing = true;
      }
    }
    choice.judged_role = choice.targets[0].role;
    choice.source = make_scrape_source(choice.targets, http, policy);
  } else {
    const auto baseline_files = args.values("baseline-file");
    if (files.size() > 2 || baseline_files.size() > 2) {
      return make_error(
          "--metrics-file / --baseline-file: give one saved scrape (judged against zero) or two (before and after)");
    }
    choice.files = files;
    if (baseline_files.empty()) {
      choice.targets = {{"target", "", ""}};
      choice.source = make_file_source({{"target", files}}, policy);
    } else {
      RELGATE_TRY(check_baseline_files(files, baseline_files));
      choice.targets = {{"canary", "", ""}, {"baseline", "", ""}};
      choice.comparing = true;
      choice.files.insert(choice.files.end(), baseline_files.begin(), baseline_files.end());
      choice.source = make_file_source({{"canary", files}, {"baseline", baseline_files}}, policy);
    }
    choice.judged_role = choice.targets[0].role;
  }
  return choice;
}

Result<void> apply_overrides(const ParsedArgs &args, SloPolicy &policy, HttpSettings &http, bool plan_flags)
{
  // A pipeline option may only tighten the policy's plan: fewer measurements, closer together or
  // over a shorter window would let the caller pick a lucky sample.
  RELGATE_ASSIGN_OR_RETURN(auto window, args.duration("window"));
  if (window) {
    if (window->count() <= 0)
      return make_error("--window: must be longer than 0, e.g. 30s");
    if (*window < policy.min_window) {
      return make_error("--window " + format_duration(*window) + " is shorter than the policy allows (" +
                        format_duration(policy.min_window) +
                        ": [source] min_window, else [source] window, else 1s): an option may only tighten the "
                        "policy; lengthen --window or lower min_window in the policy");
    }
    policy.window = *window;
  }
  if (plan_flags) {
    RELGATE_ASSIGN_OR_RETURN(auto interval, args.duration("interval"));
    if (interval) {
      if (*interval < policy.plan.interval) {
        return make_error(
            "--interval " + format_duration(*interval) +
            " is shorter than the policy's [measurement] interval = " + format_duration(policy.plan.interval) +
            ": an option may only tighten the policy; drop --interval or lengthen it");
      }
      policy.plan.interval = *interval;
    }
    RELGATE_ASSIGN_OR_RETURN(auto count, args.integer("count", 1, 1000));
    if (count) {
      if (*count < policy.plan.count) {
        return make_error("--count " + std::to_string(*count) +
                          " is below the policy's [measurement] count = " + std::to_string(policy.plan.count) +
                          ": an option may only tighten the policy; drop --count or raise it");
      }
      policy.plan.count = *count;
    }
  }
  if (policy.plan.count > 1 && policy.plan.interval.count() <= 0) {
    return make_error("--count " + std::to_string(policy.plan.count) +
                      " needs an interval between measurements: --interval 30s (or [measurement] interval)");
  }
  RELGATE_ASSIGN_OR_RETURN(auto request_timeout, args.duration("request-timeout"));
  if (request_timeout)
    policy.request_timeout = *request_timeout;
  RELGATE_ASSIGN_OR_RETURN(auto attempts, args.integer("attempts", 1, 10));
  http.max_attempts = attempts ? static_cast<int>(*attempts) : 3;
  http.request_timeout = policy.request_timeout;
  http.bearer_token_env = args.value_or("bearer-token-env", "");
  http.basic_auth_env = args.value_or("basic-auth-env", "");
  http.ca_cert_path = args.value_or("cacert", "");
  return ok_result();
}

Duration planned_duration(const SloPolicy &policy, bool waits_window)
{
  Duration total = policy.plan.interval * (policy.plan.count - 1);
  if (waits_window)
    total += policy.plan.interval >= policy.window ? policy.window : policy.window * policy.plan.count;
  return total;
}

} // namespace relgate::slo
