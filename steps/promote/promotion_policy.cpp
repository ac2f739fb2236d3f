#include "promotion_policy.hpp"

#include "pinned_clock.hpp"

#include "freeze_window.hpp"
#include "policy.hpp"
#include "repo_layout.hpp"
#include "subject.hpp"

#include <algorithm>

namespace relgate::promote
{
namespace
{

Result<FreezeWindow> read_freeze(PolicyTable &table)
{
  FreezeWindow window;
  window.location = table.location();
  RELGATE_ASSIGN_OR_RETURN(auto reason, table.string("reason"));
  RELGATE_ASSIGN_OR_RETURN(auto start, table.time("start"));
  RELGATE_ASSIGN_OR_RETURN(auto end, table.time("end"));
  RELGATE_ASSIGN_OR_RETURN(auto weekdays, table.string_array("weekdays"));
  RELGATE_ASSIGN_OR_RETURN(auto from, table.string("from"));
  RELGATE_ASSIGN_OR_RETURN(auto to, table.string("to"));
  RELGATE_ASSIGN_OR_RETURN(auto timezone, table.string("timezone"));
  RELGATE_TRY(table.finish());
  window.reason = reason.value_or("freeze window");
  bool dated = start || end;
  bool weekly = weekdays || from || to;
  if (dated == weekly) {
    return table.error_at(dated ? "start" : "reason",
                          "a freeze window is either dated (start + end, RFC 3339) or weekly (weekdays, from, to, "
                          "timezone)");
  }
  if (dated) {
    if (!start || !end)
      return table.error_at(start ? "start" : "end", "a dated freeze window needs both start and end");
    if (!(*start < *end))
      return table.error_at("end", "must be after start");
    window.start = *start;
    window.end = *end;
    return window;
  }
  if (!weekdays || weekdays->empty())
    return table.error_at("weekdays", "a weekly freeze window needs weekdays, e.g. [\"fri\"]");
  for (const auto &day : *weekdays) {
    auto index = parse_weekday(day);
    if (!index)
      return table.error_at("weekdays", index.message());
    window.weekdays.push_back(*index);
  }
  auto from_minute = parse_clock_minutes(from.value_or("00:00"));
  if (!from_minute)
    return table.error_at("from", from_minute.message());
  auto to_minute = parse_clock_minutes(to.value_or("24:00"));
  if (!to_minute)
    return table.error_at("to", to_minute.message());
  if (*from_minute == *to_minute)
    return table.error_at("to", "must differ from 'from'");
  window.from_minute = *from_minute;
  window.to_minute = *to_minute;
  window.timezone = timezone.value_or("UTC");
  auto valid_zone = validate_timezone(window.timezone);
  if (!valid_zone)
    return table.error_at("timezone", valid_zone.message());
  return window;
}

Result<RequiredRecord> parse_required(const PolicyTable &table, const std::string &text)
{
  RequiredRecord required;
  auto at = text.find('@');
  required.step = text.substr(0, at);
  if (at != std::string::npos)
    required.env = text.substr(at + 1);
  if (required.step.empty() || (at != std::string::npos && required.env.empty())) {
    return table.error_at("require",
                          "'" + text + "': expected a step name, optionally with @env (e.g. slo-check@staging)");
  }
  if (!required.env.empty()) {
    auto valid = gitops::validate_env_name(required.env);
    if (!valid)
      return table.error_at("require", valid.message());
  }
  return required;
}

Result<EnvPolicy> read_environment(PolicyTable &table, const std::string &name)
{
  EnvPolicy env;
  env.name = name;
  RELGATE_ASSIGN_OR_RETURN(auto after, table.string("after"));
  RELGATE_ASSIGN_OR_RETURN(auto soak, table.duration("soak"));
  RELGATE_ASSIGN_OR_RETURN(auto require, table.string_array("require"));
  RELGATE_ASSIGN_OR_RETURN(auto stages, table.string_array("stages"));
  RELGATE_ASSIGN_OR_RETURN(auto gate, table.string("stage_gate"));
  RELGATE_ASSIGN_OR_RETURN(auto approvals, table.integer("approvals", 0, 20));
  RELGATE_ASSIGN_OR_RETURN(auto image, table.string("image"));
  RELGATE_ASSIGN_OR_RETURN(auto freezes, table.array_of_tables("freeze"));
  RELGATE_ASSIGN_OR_RETURN(auto allow_unbound, table.boolean("allow_unbound_reports"));
  env.allow_unbound_reports = allow_unbound.value_or(false);
  env.after = after.value_or("");
  env.soak = soak.value_or(Duration(0));
  env.stage_gate = gate.value_or("slo-check");
  env.approvals = approvals.value_or(0);
  env.image_name = image.value_or("");
  if (!env.image_name.empty()) {
    auto valid = check_image_name(env.image_name);
    if (!valid)
      return table.error_at("image", valid.message());
  }
  if (env.soak.count() > 0 && env.after.empty()) {
    return table.error_at("soak", "a soak time needs 'after' (the environment the digest must soak in)");
  }
  for (const auto &text : require.value_or(std::vector<std::string>{})) {
    RELGATE_ASSIGN_OR_RETURN(auto required, parse_required(table, text));
    env.require.push_back(std::move(required));
  }
  if (stages) {
    env.stages.clear();
    for (const auto &text : *stages) {
      auto weight = parse_stage_weight(text);
      if (!weight)
        return table.error_at("stages", weight.message());
      if (!env.stages.empty() && *weight <= env.stages.back()) {
        return table.error_at("stages", "weights must increase (e.g. [\"10%\", \"50%\", \"100%\"])");
      }
      env.stages.push_back(*weight);
    }
    if (env.stages.empty() || env.stages.back() != 100) {
      return table.error_at("stages", "the last stage must be \"100%\" (it makes the canary the stable release)");
    }
  }
  for (auto &freeze_table : freezes) {
    RELGATE_ASSIGN_OR_RETURN(auto window, read_freeze(freeze_table));
    env.freezes.push_back(std::move(window));
  }
  RELGATE_TRY(table.finish());
  return env;
}

// An application's environment that the top level defines too may only tighten it: the top level
// is the platform's floor (a freeze or a required record added there later must reach every
// application, including those with their own table). Freeze windows and required records add
// up; approvals, soak and 'after' may not drop below the top level's; unbound reports stay
// refused when the top level refuses them. Stages, stage_gate and image are the application's.
Result<void> keep_top_level_floor(const PolicyTable &table, EnvPolicy &env, const EnvPolicy &floor)
{
  const std::string top = "the top-level [environments." + floor.name + "] ";
  if (!floor.after.empty() && env.after.empty()) {
    return table.error_at("after", "an application may only tighten " + top + "(after = \"" + floor.after +
                                       "\"): name the environment this one waits for");
  }
  if (env.approvals < floor.approvals) {
    return table.error_at("approvals", "an application may only tighten " + top + "(approvals = " +
                                           std::to_string(floor.approvals) + "): set at least that many");
  }
  if (env.soak < floor.soak)
    return table.error_at("soak",
                          "an application may only tighten " + top + "(soak = " + format_duration(floor.soak) + ")");
  if (env.allow_unbound_reports && !floor.allow_unbound_reports) {
    return table.error_at("allow_unbound_reports",
                          "an application may only tighten " + top + "(which refuses unbound scan reports)");
  }
  for (const auto &required : floor.require) {
    auto same = [&](const RequiredRecord &own) { return own.step == required.step && own.env == required.env; };
    if (std::none_of(env.require.begin(), env.require.end(), same))
      env.require.push_back(required);
  }
  env.freezes.insert(env.freezes.end(), floor.freezes.begin(), floor.freezes.end());
  return ok_result();
}

// The tables an [apps.<name>] table may set too: each one present replaces the same table of the
// defaults as a whole (an [apps.<name>.environments] is the application's complete environment
// list, order included). The top level must define environments; an application need not.
Result<void> read_overridable(PolicyTable &table, PromotionPolicy &policy, bool top_level)
{
  RELGATE_ASSIGN_OR_RETURN(auto images, table.table("images"));
  if (images) {
    RELGATE_ASSIGN_OR_RETURN(auto registries, images->string_array("allowed_registries"));
    RELGATE_ASSIGN_OR_RETURN(auto names, images->string_array("allowed_names"));
    RELGATE_TRY(images->finish());
    if (!top_level && !policy.allowed_registries.empty()) {
      // The registry allow-list is the platform's: an application may narrow it, never widen it.
      for (const auto &registry : registries.value_or(std::vector<std::string>{})) {
        if (std::find(policy.allowed_registries.begin(), policy.allowed_registries.end(), registry) ==
            policy.allowed_registries.end()) {
          return images->error_at("allowed_registries", "'" + registry +
                                                            "' is not in the top-level [images] allowed_registries: "
                                                            "an application may only narrow that list");
        }
      }
      registries = registries.value_or(policy.allowed_registries);
      if (registries->empty())
        return images->error_at("allowed_registries",
                                "an application may only narrow the top-level list, not empty it");
    }
    policy.allowed_registries = registries.value_or(std::vector<std::string>{});
    policy.allowed_names = names.value_or(std::vector<std::string>{});
    policy.images_bound_to_app = !top_level && !policy.allowed_names.empty();
  }
  RELGATE_ASSIGN_OR_RETURN(auto approvals, table.table("approvals"));
  if (approvals) {
    RELGATE_ASSIGN_OR_RETURN(auto approvers, approvals->string_array("approvers"));
    RELGATE_TRY(approvals->finish());
    policy.approvers = approvers.value_or(std::vector<std::string>{});
    for (const auto &who : policy.approvers) {
      bool plain = !who.empty();
      for (char c : who)
        plain = plain && static_cast<unsigned char>(c) > 0x20 && c != 0x7F;
      if (!plain)
        return approvals->error_at("approvers",
                                   "'" + who + "': an approver name is one word without control characters");
    }
  }
  RELGATE_ASSIGN_OR_RETURN(auto push, table.table("push"));
  if (push) {
    RELGATE_ASSIGN_OR_RETURN(auto attempts, push->integer("max_attempts", 1, 1000));
    RELGATE_ASSIGN_OR_RETURN(auto budget, push->duration("time_budget"));
    RELGATE_TRY(push->finish());
    policy.push_attempts = attempts.value_or(policy.push_attempts);
    if (budget && (budget->count() < 1000 || budget->count() > 3600 * 1000))
      return push->error_at("time_budget", "must be between 1s and 1h (e.g. \"3m\")");
    policy.push_time_budget = budget.value_or(policy.push_time_budget);
  }
  RELGATE_ASSIGN_OR_RETURN(auto environments, table.table("environments"));
  if (!environments) {
    if (top_level)
      return table.error_at("environments", "define at least one [environments.<name>] table");
    return ok_result();
  }
  if (environments->keys().empty())
    return table.error_at("environments", "define at least one [" + environments->key_path() + ".<name>] table");
  const auto top_level_environments = std::move(policy.environments);
  policy.environments.clear();
  for (const auto &name : environments->keys()) {
    auto valid = gitops::validate_env_name(name);
    if (!valid)
      return environments->error_at(name, valid.message());
    RELGATE_ASSIGN_OR_RETURN(auto env_table, environments->table(name));
    if (!env_table)
      return environments->error_at(name, "expected a table [" + environments->key_path() + "." + name + "]");
    RELGATE_ASSIGN_OR_RETURN(auto env, read_environment(*env_table, name));
    if (auto floor = top_level_environments.find(name); !top_level && floor != top_level_environments.end())
      RELGATE_TRY(keep_top_level_floor(*env_table, env, floor->second));
    policy.environments.emplace(name, std::move(env));
  }
  return environments->finish();
}

// Checks across tables, on the effective policy of the defaults and of each application.
Result<void> check_environments(const PromotionPolicy &policy)
{
  const std::string where =
      policy.ref.path + ": [" + (policy.app.empty() ? "" : "apps." + policy.app + ".") + "environments.";
  for (const auto &[name, env] : policy.environments) {
    if (env.approvals > 0 && policy.approvers.empty()) {
      return make_error(where + name + "] approvals = " + std::to_string(env.approvals) +
                        ": approvals need an allow-list: [approvals] approvers = [\"alice\", ...]");
    }
    if (!env.after.empty() && !policy.environments.count(env.after)) {
      return make_error(where + name + "] after = '" + env.after + "' names no environment of this policy");
    }
    for (const auto &required : env.require) {
      if (!required.env.empty() && !policy.environments.count(required.env)) {
        return make_error(where + name + "] require '" + required.text() + "' names no environment of this policy");
      }
    }
  }
  // An 'after' cycle would make every environment wait for another forever.
  for (const auto &[name, env] : policy.environments) {
    std::string current = env.after;
    for (std::size_t hops = 0; !current.empty(); ++hops) {
      if (current == name || hops > policy.environments.size())
        return make_error(where + name + "] 'after' forms a cycle");
      current = policy.environments.at(current).after;
    }
  }
  return ok_result();
}

Result<PromotionPolicySet> read_policy(LoadedPolicy loaded)
{
  PromotionPolicySet set;
  PromotionPolicy &policy = set.defaults;
  policy.ref = PolicyRef{loaded.path, loaded.sha256, loaded.version};
  PolicyTable &root = *loaded.root;
  RELGATE_ASSIGN_OR_RETURN(policy.evidence, gitops::read_evidence_policy(root, loaded.path));
  RELGATE_ASSIGN_OR_RETURN(policy.allow_pinned_clock, gitops::read_allow_pinned_clock(root));
  RELGATE_TRY(read_overridable(root, policy, true));
  RELGATE_TRY(check_environments(policy));
  RELGATE_ASSIGN_OR_RETURN(auto apps, root.table("apps"));
  if (apps) {
    for (const auto &name : apps->keys()) {
      if (auto valid = gitops::validate_app_name(name); !valid)
        return apps->error_at(name, valid.message());
      RELGATE_ASSIGN_OR_RETURN(auto app_table, apps->table(name));
      if (!app_table)
        return apps->error_at(name, "expected a table [apps." + name + "]");
      PromotionPolicy app_policy = policy;
      app_policy.app = name;
      RELGATE_TRY(read_overridable(*app_table, app_policy, false));
      // Evidence trust and the clock are the pipeline's, not an application's: not overridable.
      RELGATE_TRY(app_table->finish());
      RELGATE_TRY(check_environments(app_policy));
      set.apps.emplace(name, std::move(app_policy));
    }
    RELGATE_TRY(apps->finish());
  }
  RELGATE_TRY(root.finish());
  return set;
}

} // namespace

Result<int64_t> parse_stage_weight(std::string_view text)
{
  std::string_view digits = text;
  if (!digits.empty() && digits.back() == '%')
    digits.remove_suffix(1);
  if (digits.empty() || digits.size() > 3)
    return make_error("stage '" + std::string(text) + "': expected a percent like \"10%\"");
  int64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9')
      return make_error("stage '" + std::string(text) + "': expected a percent like \"10%\"");
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 100)
    return make_error("stage '" + std::string(text) + "': weight must be 1..100");
  return value;
}

const PromotionPolicy &PromotionPolicySet::for_app(const std::string &app) const
{
  auto found = apps.find(app);
  return found == apps.end() ? defaults : found->second;
}

Result<PromotionPolicySet> load_promotion_policies(const std::string &path)
{
  RELGATE_ASSIGN_OR_RETURN(auto loaded, load_policy(path, promotion_policy_version));
  return read_policy(std::move(loaded));
}

Result<PromotionPolicySet> promotion_policies_from_text(const std::string &text, const std::string &source_name)
{
  RELGATE_ASSIGN_OR_RETURN(auto loaded, load_policy_text(text, source_name, promotion_policy_version));
  return read_policy(std::move(loaded));
}

Result<PromotionPolicy> load_promotion_policy(const std::string &path, const std::string &app)
{
  RELGATE_ASSIGN_OR_RETURN(auto set, load_promotion_policies(path));
  PromotionPolicy policy = set.for_app(app);
  policy.app = app;
  return policy;
}

Result<PromotionPolicy> promotion_policy_from_text(const std::string &text, const std::string &source_name,
                                                   const std::string &app)
{
  RELGATE_ASSIGN_OR_RETURN(auto set, promotion_policies_from_text(text, source_name));
  PromotionPolicy policy = set.for_app(app);
  policy.app = app;
  return policy;
}

} // namespace relgate::promote
