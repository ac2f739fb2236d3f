#include "audit_inputs.hpp"

#include "digest.hpp"
#include "encoding.hpp"
#include "env_name.hpp"
#include "file_io.hpp"
#include "json.hpp"
#include "repo_layout.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

namespace relgate::audit
{
namespace
{

Result<void> check_time(const std::string &text, const std::string &where, const std::string &field)
{
  if (auto time = parse_rfc3339(text); !time)
    return make_error(where + ": " + field + " \"" + printable_excerpt(text) + "\": " + time.message());
  return ok_result();
}

// A member that, when present and not null, must be a finite number in [min, max].
Result<void> check_number(const JsonValue &object, std::string_view key, double min, double max,
                          const std::string &where)
{
  const JsonValue *value = find_member(object, key);
  if (!value || value->IsNull())
    return ok_result();
  if (!value->IsNumber() || !std::isfinite(value->GetDouble()) || value->GetDouble() < min ||
      value->GetDouble() > max) {
    return make_error(where + "." + std::string(key) + ": must be a number from " + std::to_string(min) + " to " +
                      std::to_string(max) + " (or absent)");
  }
  return ok_result();
}

Result<void> check_string(const JsonValue &object, std::string_view key, const std::string &where)
{
  const JsonValue *value = find_member(object, key);
  if (value && !value->IsString() && !value->IsNull())
    return make_error(where + "." + std::string(key) + ": must be a string");
  return ok_result();
}

Result<void> validate_drill_summary(const JsonValue &summary, const std::string &where)
{
  const auto result = get_string(summary, "result");
  if (!result || (*result != "success" && *result != "failed"))
    return make_error(where + ".result: a drill record needs \"success\" or \"failed\" (docs/evidence.md)");
  const auto phase = get_string(summary, "failed_phase").value_or("");
  static const std::set<std::string> phases{"", "rollback", "converge", "post_check", "roll_forward"};
  if (!phases.count(phase))
    return make_error(where + ".failed_phase: expected \"\", rollback, converge, post_check or roll_forward");
  if (const JsonValue *timings = find_member(summary, "phases_ms"); timings && !timings->IsNull()) {
    if (!timings->IsObject())
      return make_error(where + ".phases_ms: must be an object of phase -> milliseconds");
    for (const char *name : {"rollback", "converge", "post_check", "roll_forward"})
      RELGATE_TRY(check_number(*timings, name, 0, 1e12, where + ".phases_ms"));
  }
  RELGATE_TRY(check_number(summary, "recovery_ms", 0, 1e12, where));
  for (const char *name : {"from_digest", "to_digest", "to_release"})
    RELGATE_TRY(check_string(summary, name, where));
  for (const char *name : {"baseline", "post"}) {
    const JsonValue *figures = find_member(summary, name);
    if (!figures || figures->IsNull())
      continue;
    if (!figures->IsObject())
      return make_error(where + "." + name + ": must be an object {error_rate, latency_p99_seconds}");
    RELGATE_TRY(check_number(*figures, "error_rate", 0, 1, where + "." + name));
    RELGATE_TRY(check_number(*figures, "latency_p99_seconds", 0, 1e9, where + "." + name));
  }
  return ok_result();
}

Result<std::string> read_source_commit_time(std::string_view text, const std::string &path)
{
  RELGATE_ASSIGN_OR_RETURN(JsonDocument doc, parse_json(text, path));
  const JsonValue *release = doc.IsObject() ? find_member(doc, "release") : nullptr;
  const JsonValue *time = release && release->IsObject() ? find_member(*release, "source_commit_time") : nullptr;
  if (!time || time->IsNull())
    return std::string();
  if (!time->IsString())
    return make_error(path + ": release.source_commit_time must be an RFC 3339 string (evidence init "
                             "--source-commit-time)");
  std::string value(time->GetString(), time->GetStringLength());
  RELGATE_TRY(check_time(value, path, "release.source_commit_time"));
  return value;
}

Result<EvidenceInput> load_evidence_input(const std::string &path, const std::vector<std::string> &trusted_keys)
{
  if (is_symlink(path))
    return make_error(path + ": is a symbolic link; pass the evidence file itself");
  // Read once: the bytes parsed are the bytes hashed.
  RELGATE_ASSIGN_OR_RETURN(std::string text, read_file(path, max_evidence_bytes, Symlinks::refuse));
  EvidenceInput input;
  input.path = path;
  input.sha256 = sha256_hex(text);
  RELGATE_ASSIGN_OR_RETURN(input.file, parse_evidence(text, path));
  RELGATE_ASSIGN_OR_RETURN(input.source_commit_time, read_source_commit_time(text, path));
  RELGATE_ASSIGN_OR_RETURN(ChainReport chain, verify_chain_with_keys(input.file, trusted_keys));
  if (!chain.intact) {
    return make_error(path + ": evidence chain broken: " + chain.problem +
                      " (audit reports only intact evidence: restore the file from the pipeline's artifact)");
  }
  input.signed_records = chain.signed_records;
  input.signatures_checked = !trusted_keys.empty();
  for (std::size_t i = 0; i < input.file.records.size(); ++i) {
    const auto &record = input.file.records[i];
    RELGATE_TRY(validate_record_for_audit(record, path + ": records[" + std::to_string(i) + "] (" +
                                                      printable_excerpt(record.step, 40) + ")"));
  }
  return input;
}

} // namespace

Result<void> validate_ledger_entry(const gitops::LedgerEntry &entry, const std::string &where)
{
  static const std::set<std::string> actions{"promote", "rollback", "drill"};
  if (!actions.count(entry.action)) {
    return make_error(where + ": action \"" + printable_excerpt(entry.action, 40) +
                      "\" is not promote, rollback or drill (the ledger was edited by hand: restore it from git)");
  }
  RELGATE_TRY(check_time(entry.time, where, "time"));
  if (entry.weight < 0 || entry.weight > 100)
    return make_error(where + ": weight " + std::to_string(entry.weight) + " is not a percent 0..100");
  if (entry.action == "rollback" && entry.rollback_of.empty())
    return make_error(where + ": a rollback line needs rollback_of (the release rolled back)");
  if (!entry.digest.empty()) {
    if (auto digest = parse_digest(entry.digest); !digest)
      return make_error(where + ": digest: " + digest.message());
  }
  return ok_result();
}

Result<void> validate_record_for_audit(const EvidenceRecord &record, const std::string &where)
{
  RELGATE_TRY(check_time(record.started_at, where, "started_at"));
  const JsonValue &summary = record.summary;
  if (!summary.IsObject())
    return ok_result();
  const std::string at = where + " summary";
  if (record.step == "promote") {
    RELGATE_TRY(check_string(summary, "release_id", at));
    RELGATE_TRY(check_string(summary, "env", at));
    RELGATE_TRY(check_number(summary, "weight", 0, 100, at));
  } else if (record.step == "rollback") {
    if (get_string(summary, "mode").value_or("") == "drill") {
      RELGATE_TRY(validate_drill_summary(summary, at));
      // rollback writes "success" only with no failed phase and an ALLOW decision; anything else
      // would count a failed drill as passed.
      const bool success = get_string(summary, "result").value_or("") == "success";
      const bool no_failed_phase = get_string(summary, "failed_phase").value_or("").empty();
      if (success != no_failed_phase || success != (record.decision == Decision::allow)) {
        return make_error(at + ": drill result \"" + (success ? "success" : "failed") +
                          "\" contradicts failed_phase \"" +
                          printable_excerpt(get_string(summary, "failed_phase").value_or(""), 40) + "\" or decision " +
                          std::string(decision_name(record.decision)) + " (not a record rollback writes)");
      }
    }
    for (const char *name : {"rolled_back_release", "target_release", "rolled_back_digest", "target_digest"})
      RELGATE_TRY(check_string(summary, name, at));
  } else if (record.step == "slo-check") {
    RELGATE_TRY(check_number(summary, "error_rate", 0, 1, at));
    RELGATE_TRY(check_number(summary, "latency_p50_seconds", 0, 1e9, at));
    RELGATE_TRY(check_number(summary, "latency_p99_seconds", 0, 1e9, at));
  }
  return ok_result();
}

Result<std::vector<std::string>> list_environments(const std::string &repo)
{
  std::error_code error;
  const std::filesystem::path root = std::filesystem::path(repo) / std::string(gitops::relgate_root);
  if (!std::filesystem::is_directory(repo, error))
    return make_error("--repo " + repo + ": not a folder (pass a clone of the GitOps repository)");
  std::vector<std::string> envs;
  if (!std::filesystem::exists(root, error))
    return envs;
  RELGATE_TRY(gitops::check_no_symlinks(repo, std::string(gitops::relgate_root)));
  for (const auto &entry : std::filesystem::directory_iterator(root, error)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || entry.is_symlink() || name == "templates" || !gitops::validate_env_name(name))
      continue;
    const auto paths = gitops::env_paths(name);
    if (file_exists(repo + "/" + paths.state) || file_exists(repo + "/" + paths.ledger))
      envs.push_back(name);
  }
  if (error)
    return make_error(root.string() + ": cannot list: " + error.message());
  std::sort(envs.begin(), envs.end());
  return envs;
}

Result<AuditInputs> load_audit_inputs(const InputOptions &options, TimePoint now)
{
  AuditInputs inputs;
  inputs.now = now;
  inputs.repo = options.repo;
  inputs.env_filter = options.env;
  if (!options.env.empty())
    RELGATE_TRY(validate_env_name(options.env));

  std::vector<std::string> trusted_keys;
  for (const auto &path : options.trusted_key_paths) {
    RELGATE_ASSIGN_OR_RETURN(std::vector<std::string> keys, read_public_key_pems(path));
    trusted_keys.insert(trusted_keys.end(), keys.begin(), keys.end());
  }

  if (!options.repo.empty()) {
    RELGATE_ASSIGN_OR_RETURN(std::vector<std::string> envs, list_environments(options.repo));
    if (!options.env.empty()) {
      if (std::find(envs.begin(), envs.end(), options.env) == envs.end()) {
        return make_error("--env " + options.env + ": " + options.repo + " has no relgate/" + options.env +
                          "/ (known: " + (envs.empty() ? std::string("none") : [&] {
                            std::string list;
                            for (const auto &env : envs)
                              list += (list.empty() ? "" : ", ") + env;
                            return list;
                          }()) +
                          ")");
      }
      envs = {options.env};
    }
    RELGATE_ASSIGN_OR_RETURN(inputs.releases, gitops::load_releases_index(options.repo));
    for (const auto &env : envs) {
      EnvInput input;
      input.env = env;
      RELGATE_ASSIGN_OR_RETURN(input.state, gitops::load_state(options.repo, env));
      const auto paths = gitops::env_paths(env);
      RELGATE_ASSIGN_OR_RETURN(std::string ledger_path, gitops::safe_path(options.repo, paths.ledger));
      if (file_exists(ledger_path)) {
        RELGATE_ASSIGN_OR_RETURN(input.ledger, gitops::read_ledger(ledger_path));
        for (std::size_t i = 0; i < input.ledger.size(); ++i)
          RELGATE_TRY(validate_ledger_entry(input.ledger[i],
                                            ledger_path + " entry seq " + std::to_string(input.ledger[i].seq)));
      }
      if (input.state && !input.ledger.empty() && input.state->ledger_seq != input.ledger.back().seq) {
        return make_error(options.repo + "/" + paths.state + ": ledger_seq " + std::to_string(input.state->ledger_seq) +
                          " but the ledger's newest seq is " + std::to_string(input.ledger.back().seq) +
                          " (files from different commits: check out one commit of the repository)");
      }
      inputs.envs.push_back(std::move(input));
    }
  }

  std::set<std::string> seen_paths;
  for (const auto &path : options.evidence_paths) {
    if (!seen_paths.insert(path).second)
      return make_error("--evidence " + path + ": given twice");
    RELGATE_ASSIGN_OR_RETURN(EvidenceInput input, load_evidence_input(path, trusted_keys));
    inputs.evidence.push_back(std::move(input));
  }
  for (const auto &path : options.history_paths) {
    RELGATE_ASSIGN_OR_RETURN(HistoryFile file, load_history(path));
    inputs.history.push_back(std::move(file));
  }
  return inputs;
}

} // namespace relgate::audit
