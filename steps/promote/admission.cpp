#include "admission.hpp"

#include "app_layout.hpp"
#include "commit_trailers.hpp"
#include "freeze_window.hpp"
#include "release_id.hpp"
#include "subject.hpp"

#include <algorithm>

namespace relgate::promote
{
namespace
{

CheckResult pass(std::string name, std::string note)
{
  return CheckResult{std::move(name), true, std::move(note)};
}

CheckResult fail(std::string name, std::string reason)
{
  return CheckResult{std::move(name), false, std::move(reason)};
}

CheckResult check_immutable_digest(const AdmissionInput &input)
{
  const auto &subject = input.evidence.subject;
  if (subject.name.empty()) {
    return fail("immutable-digest", "the evidence subject has no image name: create the evidence with "
                                    "--subject NAME@sha256:... so relgate knows which image to pin");
  }
  // A tag inside the name ("api:1.2") would be a movable reference next to the digest.
  auto last_slash = subject.name.rfind('/');
  auto colon = subject.name.find(':', last_slash == std::string::npos ? 0 : last_slash);
  if (colon != std::string::npos || subject.name.find('@') != std::string::npos) {
    return fail("immutable-digest", "subject " + gitops::message_line(subject.name) +
                                        " carries a tag: only NAME@sha256:<digest> is promoted");
  }
  if (auto valid = check_image_name(subject.name); !valid)
    return fail("immutable-digest", "subject " + gitops::message_line(valid.message()));
  // The rejected list, the state files and every comparison speak sha256.
  if (subject.digest.algorithm != HashAlgorithm::sha256) {
    return fail("immutable-digest", "subject digest " + subject.digest.str().substr(0, 19) +
                                        "... is not sha256: only NAME@sha256:<64 hex> is promoted");
  }
  return pass("immutable-digest", subject.digest.str());
}

CheckResult check_evidence_chain(const AdmissionInput &input)
{
  if (!input.chain.trusted)
    return fail("evidence-chain", input.chain.trusted.message());
  return pass("evidence-chain", std::to_string(input.evidence.records.size()) + " records, chain intact" +
                                    (input.chain.unsigned_allowed ? ", UNSIGNED (allow_unsigned = true)"
                                                                  : ", every record signed by a trusted key"));
}

// An id names one digest for good: evidence that claims an id another digest already has would
// put two releases under one name in the ledger and the rejected list.
CheckResult check_release_id(const AdmissionInput &input)
{
  const std::string &id = input.evidence.release_id;
  if (id.empty())
    return pass("release-id", "relgate assigns the id");
  auto parsed = gitops::parse_release_id(id);
  if (!parsed)
    return fail("release-id", parsed.message());
  auto found = input.releases.release_digests.find(id);
  if (found != input.releases.release_digests.end() && found->second != input.evidence.subject.digest.str()) {
    return fail("release-id", "release id " + id + " already belongs to " + found->second +
                                  ": an id names one digest for good; create the evidence with another --release");
  }
  return pass("release-id", id);
}

// A scan-gate record shows the image itself was scanned only when its summary says the reports
// were bound to the subject (bound_to_subject: true) and not made with --unbound-report
// (unbound_report: true). Anything else (missing, another type) reads as unbound: fails closed.
bool unbound_scan_record(const EvidenceRecord &record)
{
  if (record.step != "scan-gate")
    return false;
  if (!record.summary.IsObject())
    return true;
  const JsonValue *unbound = find_member(record.summary, "unbound_report");
  const JsonValue *bound = find_member(record.summary, "bound_to_subject");
  return (unbound != nullptr && !unbound->IsFalse()) || bound == nullptr || !bound->IsTrue();
}

// The newest record of the step in this scope (find_latest_record's rules) that counts here. An
// unbound scan-gate ALLOW does not count unless the environment opts in: it is skipped, so an
// image scan next to a repository scan still decides, whatever order the jobs ran in. A DENY
// always counts. `skipped_unbound` tells the message why nothing was found.
const EvidenceRecord *newest_counted_record(const AdmissionInput &input, std::string_view step, std::string_view env,
                                            std::optional<int64_t> stage, bool &skipped_unbound)
{
  skipped_unbound = false;
  const auto &records = input.evidence.records;
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    if (it->step != step || (!env.empty() && it->scope.env != env) || (stage && it->scope.stage != stage))
      continue;
    if (it->decision == Decision::allow && unbound_scan_record(*it) && !input.env_policy.allow_unbound_reports) {
      skipped_unbound = true;
      continue;
    }
    return &*it;
  }
  return nullptr;
}

// "" when the record is an ALLOW, else why not (for the check message).
std::string not_an_allow(const EvidenceRecord *record, bool skipped_unbound, const std::string &env)
{
  if (record == nullptr && skipped_unbound) {
    return "only --unbound-report ALLOWs, which do not show the image was scanned: scan the image (its report "
           "must name the digest), or set allow_unbound_reports = true in [environments." +
           env + "]";
  }
  if (record == nullptr)
    return "no record";
  if (record->decision != Decision::allow)
    return "newest is " + std::string(decision_name(record->decision));
  return "";
}

CheckResult check_required_evidence(const AdmissionInput &input)
{
  std::vector<std::string> missing;
  for (const auto &required : input.env_policy.require) {
    bool skipped_unbound = false;
    const EvidenceRecord *record =
        newest_counted_record(input, required.step, required.env, std::nullopt, skipped_unbound);
    if (auto why = not_an_allow(record, skipped_unbound, input.request.env); !why.empty())
      missing.push_back(required.text() + " (" + why + ")");
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto &item : missing)
      list += (list.empty() ? "" : ", ") + item;
    return fail("required-evidence",
                input.request.env + " needs an ALLOW record from: " + list + "; run those steps with --evidence first");
  }
  return pass("required-evidence", std::to_string(input.env_policy.require.size()) + " required records ALLOW");
}

CheckResult check_environment_order(const AdmissionInput &input)
{
  const auto &after = input.env_policy.after;
  if (after.empty())
    return pass("environment-order", input.request.env + " is a first environment");
  const std::string digest = input.evidence.subject.digest.str();
  const auto &releases = input.upstream_known_good.releases;
  auto found = std::find_if(releases.rbegin(), releases.rend(), [&](const auto &ref) { return ref.digest == digest; });
  if (found == releases.rend()) {
    return fail("environment-order",
                digest.substr(0, 19) + "... has not reached 100% in " + after + ": promote it to " + after + " first");
  }
  if (input.env_policy.soak.count() > 0) {
    auto since = parse_rfc3339(found->since);
    if (!since)
      return fail("environment-order", "cannot read when the digest reached " + after + ": " + since.message());
    auto soaked = std::chrono::duration_cast<Duration>(input.now - *since);
    if (soaked < input.env_policy.soak) {
      return fail("environment-order", "soak time: the digest has run in " + after + " for " +
                                           format_duration(std::max(soaked, Duration(0))) + ", " + input.request.env +
                                           " needs " + format_duration(input.env_policy.soak) + " (ready at " +
                                           format_rfc3339(*since + input.env_policy.soak) + ")");
    }
  }
  return pass("environment-order", "reached " + after + " as " + found->release_id +
                                       (input.env_policy.soak.count() > 0 ? ", soak time met" : ""));
}

CheckResult check_image_allowed(const AdmissionInput &input)
{
  const std::string &name = input.evidence.subject.name;
  const auto &registries = input.policy.allowed_registries;
  if (!registries.empty()) {
    auto registry = image_registry(name);
    if (std::find(registries.begin(), registries.end(), registry) == registries.end()) {
      return fail("image-allowed", "registry " + registry + " of " + name + " is not in [images] allowed_registries");
    }
  }
  const auto &names = input.policy.allowed_names;
  if (!names.empty() &&
      std::none_of(names.begin(), names.end(), [&](const auto &glob) { return glob_match(glob, name); })) {
    return fail("image-allowed", "image " + name + " matches no [images] allowed_names pattern");
  }
  // Another pipeline's evidence must not land in this application's folder just because --app
  // says so: without a binding ([apps.<app>.images] allowed_names, as Kargo warehouses and Argo CD
  // Image Updater name their images per application), the subject must derive the application.
  if (!input.policy.app.empty() && !input.policy.images_bound_to_app) {
    auto derived = gitops::app_name_from_subject(name);
    if (!derived || *derived != input.policy.app) {
      const std::string shown = gitops::message_line(name);
      return fail("image-allowed", "image " + shown + " is not application " + input.policy.app +
                                       "'s (its repository's last path component names " +
                                       (derived ? "application " + *derived : std::string("no valid application")) +
                                       "): bind it with [apps." + input.policy.app + ".images] allowed_names = [\"" +
                                       shown +
                                       "\"] "
                                       "or pass the right --app");
    }
  }
  const std::string manifest_name = input.env_policy.image_name.empty() ? name : input.env_policy.image_name;
  if (input.current && input.current->image != manifest_name) {
    return fail("image-allowed", input.request.env + " deploys " + input.current->image + ", not " + manifest_name +
                                     ": one environment folder per image (pass another --env)");
  }
  return pass("image-allowed", name);
}

CheckResult check_approvals(const AdmissionInput &input, AdmissionReport &report)
{
  std::vector<std::string> unknown;
  for (const auto &who : input.request.approvers) {
    bool allowed =
        input.policy.approvers.empty() ||
        std::find(input.policy.approvers.begin(), input.policy.approvers.end(), who) != input.policy.approvers.end();
    if (!allowed) {
      unknown.push_back(who);
    } else if (std::find(report.valid_approvers.begin(), report.valid_approvers.end(), who) ==
               report.valid_approvers.end()) {
      report.valid_approvers.push_back(who);
    }
  }
  auto needed = static_cast<std::size_t>(input.env_policy.approvals);
  if (input.request.no_change)
    return pass("approvals", "nothing changes: no approval needed");
  if (report.valid_approvers.size() < needed) {
    std::string note = input.request.env + " needs " + std::to_string(needed) +
                       " approval(s) from [approvals] approvers, got " + std::to_string(report.valid_approvers.size());
    if (!unknown.empty()) {
      note += " (not on the allow-list: ";
      for (std::size_t i = 0; i < unknown.size(); ++i)
        note += (i ? ", " : "") + unknown[i];
      note += ")";
    }
    return fail("approvals", note + ": pass --approved-by NAME");
  }
  return pass("approvals",
              std::to_string(report.valid_approvers.size()) + " of " + std::to_string(needed) + " approval(s)");
}

CheckResult check_freeze(const AdmissionInput &input, AdmissionReport &report)
{
  if (input.request.no_change)
    return pass("freeze-window", "nothing changes");
  for (const auto &window : input.env_policy.freezes) {
    auto active = freeze_active(window, input.now);
    if (!active)
      return fail("freeze-window", active.message());
    if (!*active)
      continue;
    std::string what = input.request.env + " is frozen: " + window.reason + " (" + describe_freeze(window) + ")";
    if (!input.request.override_freeze) {
      return fail("freeze-window",
                  what + ": wait until it ends, or pass --override-freeze with --reason and --approved-by");
    }
    // valid_approvers admits anyone when there is no allow-list; an override never does.
    const auto &list = input.policy.approvers;
    auto listed = std::find_if(report.valid_approvers.begin(), report.valid_approvers.end(),
                               [&](const auto &who) { return std::find(list.begin(), list.end(), who) != list.end(); });
    if (input.request.reason.empty() || listed == report.valid_approvers.end()) {
      return fail("freeze-window", what +
                                       ": --override-freeze needs --reason TEXT and an --approved-by from "
                                       "[approvals] approvers" +
                                       (list.empty() ? " (the policy has no allow-list: no override possible)" : ""));
    }
    report.freeze_overridden = true;
    return pass("freeze-window", what + "; overridden by " + *listed + ": " + input.request.reason);
  }
  return pass("freeze-window", "no freeze window active");
}

CheckResult check_not_rejected(const AdmissionInput &input)
{
  auto found = input.releases.rejected.find(input.evidence.subject.digest.str());
  if (found != input.releases.rejected.end()) {
    return fail("not-rejected", "release " + found->second.release_id + " (this digest) was rolled back in " +
                                    found->second.env + " at " + found->second.time + " (" + found->second.reason +
                                    "): it is rejected for good; build and promote a fixed release");
  }
  return pass("not-rejected", "not marked bad");
}

CheckResult check_canary_stage(const AdmissionInput &input)
{
  const auto &stages = input.env_policy.stages;
  const int64_t target = input.request.target_weight;
  auto position = std::find(stages.begin(), stages.end(), target);
  if (position == stages.end()) {
    std::string list;
    for (auto weight : stages)
      list += (list.empty() ? "" : ", ") + std::to_string(weight) + "%";
    return fail("canary-stage",
                std::to_string(target) + "% is not a stage of " + input.request.env + " (" + list + ")");
  }
  const std::string digest = input.evidence.subject.digest.str();
  const auto &current = input.current;
  if (input.request.no_change)
    return pass("canary-stage", "already at 100% in " + input.request.env + ": nothing moves");
  bool same_canary = current && current->canary && current->canary->digest == digest;
  // A canary of the release that already runs as stable would make a rollback of that "canary"
  // reject the running release.
  if (current && current->stable && current->stable->digest == digest && !same_canary) {
    return fail("canary-stage", "this digest already runs at 100% in " + input.request.env + " as " +
                                    current->stable->release_id + ": nothing to roll out as a canary");
  }
  if (current && current->canary && !same_canary) {
    return fail("canary-stage", "conflict: " + input.request.env + " already runs canary " +
                                    current->canary->release_id + " at " + std::to_string(current->canary_weight) +
                                    "%: promote it to 100% or roll it back first");
  }
  if (position == stages.begin()) {
    if (same_canary) {
      return fail("canary-stage", "this digest already runs at " + std::to_string(current->canary_weight) + "% in " +
                                      input.request.env + ": promote to the next stage instead");
    }
    return pass("canary-stage", "first stage " + std::to_string(target) + "%");
  }
  int64_t previous = *(position - 1);
  if (!same_canary || current->canary_weight != previous) {
    std::string now = same_canary ? std::to_string(current->canary_weight) + "%" : "not running as canary";
    return fail("canary-stage", std::to_string(target) + "% needs this digest at the previous stage " +
                                    std::to_string(previous) + "% first (it is " + now + ")");
  }
  bool skipped_unbound = false;
  const EvidenceRecord *gate =
      newest_counted_record(input, input.env_policy.stage_gate, input.request.env, previous, skipped_unbound);
  const std::string gate_problem = not_an_allow(gate, skipped_unbound, input.request.env);
  if (!gate_problem.empty()) {
    return fail("canary-stage", std::to_string(target) + "% needs a " + input.env_policy.stage_gate + " ALLOW for " +
                                    input.request.env + " at stage " + std::to_string(previous) + " (" + gate_problem +
                                    "): run it with --env " + input.request.env + " --stage " +
                                    std::to_string(previous));
  }
  return pass("canary-stage", std::to_string(previous) + "% -> " + std::to_string(target) + "%, " +
                                  input.env_policy.stage_gate + " ALLOW at " + std::to_string(previous) + "%");
}

} // namespace

bool AdmissionReport::passed() const
{
  return std::all_of(checks.begin(), checks.end(), [](const CheckResult &check) { return check.passed; });
}

std::vector<std::string> AdmissionReport::failure_reasons() const
{
  std::vector<std::string> reasons;
  for (const auto &check : checks) {
    if (!check.passed)
      reasons.push_back(check.name + ": " + check.message);
  }
  return reasons;
}

AdmissionReport run_admission_checks(const AdmissionInput &input)
{
  AdmissionReport report;
  report.checks.push_back(check_immutable_digest(input));
  report.checks.push_back(check_evidence_chain(input));
  report.checks.push_back(check_release_id(input));
  report.checks.push_back(check_not_rejected(input));
  report.checks.push_back(check_image_allowed(input));
  report.checks.push_back(check_required_evidence(input));
  report.checks.push_back(check_environment_order(input));
  report.checks.push_back(check_canary_stage(input));
  report.checks.push_back(check_approvals(input, report));
  report.checks.push_back(check_freeze(input, report));
  return report;
}

std::optional<int64_t> next_stage_weight(const EnvPolicy &env, const std::optional<gitops::EnvState> &current,
                                         const std::string &digest)
{
  if (current && current->canary && current->canary->digest == digest) {
    auto position = std::upper_bound(env.stages.begin(), env.stages.end(), current->canary_weight);
    return position == env.stages.end() ? env.stages.back() : *position;
  }
  if (current && !current->canary && current->stable && current->stable->digest == digest)
    return std::nullopt;
  return env.stages.front();
}

std::string image_registry(const std::string &image)
{
  auto slash = image.find('/');
  if (slash == std::string::npos)
    return "docker.io";
  auto first = image.substr(0, slash);
  if (first.find('.') != std::string::npos || first.find(':') != std::string::npos || first == "localhost")
    return first;
  return "docker.io";
}

bool glob_match(std::string_view pattern, std::string_view text)
{
  // Iterative '*' matching with one backtrack point: linear enough for image names.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

} // namespace relgate::promote
