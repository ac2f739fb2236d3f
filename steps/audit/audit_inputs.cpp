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
#include <tuple>

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

namespace
{

bool has_env_files(const std::string &repo, const std::string &dir)
{
  return file_exists(repo + "/" + dir + "/state.json") || file_exists(repo + "/" + dir + "/ledger.jsonl");
}

// The plain sub-folders of a folder whose names are valid environment / application names. A
// symlink is an error, never skipped: a planted relgate/web -> api (or web/prod -> ../api/prod)
// would otherwise drop an application from the report, or count another's history twice.
Result<std::vector<std::string>> named_folders(const std::filesystem::path &folder)
{
  std::error_code error;
  std::vector<std::string> names;
  std::filesystem::directory_iterator it(folder, error);
  for (const std::filesystem::directory_iterator end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    std::error_code kind_error;
    if (it->is_symlink(kind_error)) {
      return make_error(it->path().string() +
                        " is a symlink: audit refuses to read relgate's files through symlinks; replace it with "
                        "the folder or file itself (git history has it)");
    }
    if (it->is_directory(kind_error) && name != "templates" && gitops::validate_env_name(name))
      names.push_back(name);
  }
  if (error)
    return make_error(folder.string() + ": cannot list: " + error.message());
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::string> read_if_exists(const std::string &repo, const std::string &relative, bool &found)
{
  RELGATE_ASSIGN_OR_RETURN(std::string path, gitops::safe_path(repo, relative));
  found = file_exists(path);
  if (!found)
    return std::string();
  return read_file(path);
}

Result<EnvInput> load_env_input(const std::string &repo, const AppEnv &where)
{
  EnvInput input;
  input.app = where.app;
  input.env = where.env;
  input.legacy = where.legacy;
  const std::string dir = app_env_dir(where);
  bool found = false;
  RELGATE_ASSIGN_OR_RETURN(std::string state_text, read_if_exists(repo, dir + "/state.json", found));
  if (found) {
    const std::string path = repo + "/" + dir + "/state.json";
    RELGATE_ASSIGN_OR_RETURN(gitops::EnvState state, gitops::parse_state(state_text, path));
    if (state.env != where.env)
      return make_error(path + ": .env is '" + printable_excerpt(state.env, 63) + "' but the file belongs to '" +
                        where.env + "': restore it from git history");
    // The same rule as gitops::load_state: a state copied from another application's folder.
    if (!where.legacy && !state.app.empty() && state.app != where.app)
      return make_error(path + ": .app is '" + state.app + "' but the file belongs to application '" + where.app +
                        "': restore it from git history");
    input.state = std::move(state);
  }
  RELGATE_ASSIGN_OR_RETURN(std::string ledger_path, gitops::safe_path(repo, dir + "/ledger.jsonl"));
  if (file_exists(ledger_path)) {
    RELGATE_ASSIGN_OR_RETURN(input.ledger, gitops::read_ledger(ledger_path));
    for (const auto &entry : input.ledger) {
      const std::string at = ledger_path + " entry seq " + std::to_string(entry.seq);
      RELGATE_TRY(validate_ledger_entry(entry, at));
      if (!where.legacy && !entry.app.empty() && entry.app != where.app) {
        return make_error(at + ": app is '" + printable_excerpt(entry.app, 63) +
                          "' but the ledger belongs to application '" + where.app +
                          "' (a line copied from another ledger?): restore it from git history");
      }
    }
  }
  if (input.state && !input.ledger.empty() && input.state->ledger_seq != input.ledger.back().seq) {
    return make_error(repo + "/" + dir + "/state.json: ledger_seq " + std::to_string(input.state->ledger_seq) +
                      " but the ledger's newest seq is " + std::to_string(input.ledger.back().seq) +
                      " (files from different commits: check out one commit of the repository)");
  }
  if (input.legacy) { // the single-application layout: the image it holds names the application
    if (input.state && !input.state->image.empty())
      input.app = app_of_image(input.state->image);
    else if (!input.ledger.empty())
      input.app = app_of_image(input.ledger.back().image);
  }
  return input;
}

// The application a promote or rollback record of the file names ("" = none names one).
std::string recorded_app(const EvidenceFile &file)
{
  for (auto it = file.records.rbegin(); it != file.records.rend(); ++it) {
    if ((it->step == "promote" || it->step == "rollback") && it->summary.IsObject()) {
      if (auto app = get_string(it->summary, "app"); app && !app->empty())
        return *app;
    }
  }
  return "";
}

// An evidence file whose records name another application than its image's is believed only when
// that application's ledgers ran its digest: a pipeline holding the (often shared) signing key
// must not file its releases, failures and drills under another service. promote writes such a
// record only for an image bound to the application, and then the ledger has the digest.
Result<void> check_claimed_app(const std::string &repo, const std::vector<AppEnv> &listed, const EvidenceInput &input)
{
  const std::string app = recorded_app(input.file);
  if (app.empty())
    return ok_result();
  if (auto valid = gitops::validate_app_name(app); !valid) {
    return make_error(input.path + ": a promote or rollback record names application '" + printable_excerpt(app, 63) +
                      "': " + valid.message() + " (not a record promote or rollback writes)");
  }
  if (repo.empty() || app == app_of_image(input.file.subject.name))
    return ok_result();
  const std::string digest = input.file.subject.digest.str();
  for (const auto &where : listed) {
    if (where.legacy || where.app != app)
      continue;
    RELGATE_ASSIGN_OR_RETURN(std::string ledger_path, gitops::safe_path(repo, app_env_dir(where) + "/ledger.jsonl"));
    if (!file_exists(ledger_path))
      continue;
    RELGATE_ASSIGN_OR_RETURN(auto ledger, gitops::read_ledger(ledger_path));
    for (const auto &entry : ledger) {
      if (entry.digest == digest)
        return ok_result();
    }
  }
  return make_error(input.path + ": its records name application '" + app + "', but its image " +
                    printable_excerpt(input.file.subject.name, 120) + " is not " + app +
                    "'s by name and no ledger of relgate/" + app + "/ ran " + digest.substr(0, 19) +
                    "...: refusing to count its releases and drills for " + app +
                    " (pass that application's evidence)");
}

std::string known_list(const std::vector<std::string> &names)
{
  std::string list;
  for (const auto &name : names)
    list += (list.empty() ? "" : ", ") + name;
  return list.empty() ? "none" : list;
}

} // namespace

std::string app_env_dir(const AppEnv &where)
{
  const std::string root(gitops::relgate_root);
  return where.legacy ? root + "/" + where.env : root + "/" + where.app + "/" + where.env;
}

std::string app_env_label(const AppEnv &where)
{
  return where.app.empty() ? where.env : where.app + "/" + where.env;
}

std::string app_of_image(const std::string &image)
{
  const auto slash = image.rfind('/');
  return slash == std::string::npos ? image : image.substr(slash + 1);
}

std::string evidence_app(const EvidenceFile &file)
{
  for (auto it = file.records.rbegin(); it != file.records.rend(); ++it) {
    if ((it->step == "promote" || it->step == "rollback") && it->summary.IsObject()) {
      if (auto app = get_string(it->summary, "app"); app && !app->empty())
        return *app;
    }
  }
  return app_of_image(file.subject.name);
}

Result<std::vector<AppEnv>> list_environments(const std::string &repo)
{
  std::error_code error;
  const std::filesystem::path root = std::filesystem::path(repo) / std::string(gitops::relgate_root);
  if (!std::filesystem::is_directory(repo, error))
    return make_error("--repo " + repo + ": not a folder (pass a clone of the GitOps repository)");
  std::vector<AppEnv> envs;
  if (!std::filesystem::exists(root, error))
    return envs;
  RELGATE_TRY(gitops::check_no_symlinks(repo, std::string(gitops::relgate_root)));
  RELGATE_ASSIGN_OR_RETURN(std::vector<std::string> top, named_folders(root));
  for (const auto &name : top) {
    const std::string dir = std::string(gitops::relgate_root) + "/" + name;
    if (has_env_files(repo, dir)) { // relgate/<env>/: the single-application layout
      envs.push_back({"", name, true});
      continue;
    }
    RELGATE_TRY(gitops::check_no_symlinks(repo, dir));
    RELGATE_ASSIGN_OR_RETURN(std::vector<std::string> inner, named_folders(root / name));
    for (const auto &env : inner) {
      if (has_env_files(repo, dir + "/" + env))
        envs.push_back({name, env, false});
    }
  }
  std::sort(envs.begin(), envs.end(),
            [](const AppEnv &a, const AppEnv &b) { return std::tie(a.app, a.env) < std::tie(b.app, b.env); });
  return envs;
}

Result<AuditInputs> load_audit_inputs(const InputOptions &options, TimePoint now)
{
  AuditInputs inputs;
  inputs.now = now;
  inputs.repo = options.repo;
  inputs.env_filter = options.env;
  inputs.app_filter = options.app;
  if (!options.env.empty())
    RELGATE_TRY(validate_env_name(options.env));
  if (!options.app.empty()) {
    if (auto valid = validate_env_name(options.app); !valid)
      return make_error("--app " + printable_excerpt(options.app, 63) + ": " + valid.message());
  }

  std::vector<std::string> trusted_keys;
  for (const auto &path : options.trusted_key_paths) {
    RELGATE_ASSIGN_OR_RETURN(std::vector<std::string> keys, read_public_key_pems(path));
    trusted_keys.insert(trusted_keys.end(), keys.begin(), keys.end());
  }

  std::vector<AppEnv> listed;
  if (!options.repo.empty()) {
    RELGATE_ASSIGN_OR_RETURN(listed, list_environments(options.repo));
    // A legacy folder's application is the image it holds: read it before filtering.
    std::vector<AppEnv> all;
    std::map<std::string, EnvInput> legacy_inputs;
    for (const auto &where : listed) {
      if (!where.legacy) {
        all.push_back(where);
        continue;
      }
      RELGATE_ASSIGN_OR_RETURN(EnvInput input, load_env_input(options.repo, where));
      all.push_back({input.app, where.env, true});
      legacy_inputs.emplace(where.env, std::move(input));
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const AppEnv &a, const AppEnv &b) { return std::tie(a.app, a.env) < std::tie(b.app, b.env); });
    std::vector<AppEnv> envs;
    std::vector<std::string> known_apps, known_envs;
    for (const auto &where : all) {
      if (!where.app.empty() && std::find(known_apps.begin(), known_apps.end(), where.app) == known_apps.end())
        known_apps.push_back(where.app);
      if (options.app.empty() || where.app == options.app) {
        known_envs.push_back(app_env_label(where));
        if (options.env.empty() || where.env == options.env)
          envs.push_back(where);
      }
    }
    if (!options.app.empty() && std::find(known_apps.begin(), known_apps.end(), options.app) == known_apps.end()) {
      return make_error("--app " + options.app + ": " + options.repo + " has no relgate/" + options.app +
                        "/ (known: " + known_list(known_apps) + ")");
    }
    if (!options.env.empty() && envs.empty()) {
      return make_error("--env " + options.env + ": " + options.repo + " has no relgate/" +
                        (options.app.empty() ? "<app>/" : options.app + "/") + options.env +
                        "/ (known: " + known_list(known_envs) + ")");
    }
    for (const auto &where : envs) {
      if (inputs.releases.count(where.app))
        continue;
      const std::string relative = where.legacy
                                       ? gitops::releases_path()
                                       : std::string(gitops::relgate_root) + "/" + where.app + "/releases.json";
      bool found = false;
      RELGATE_ASSIGN_OR_RETURN(std::string text, read_if_exists(options.repo, relative, found));
      gitops::ReleasesIndex index;
      if (found) {
        RELGATE_ASSIGN_OR_RETURN(index, gitops::parse_releases_index(text, options.repo + "/" + relative));
      }
      inputs.releases.emplace(where.app, std::move(index));
    }
    for (const auto &where : envs) {
      if (where.legacy) {
        inputs.envs.push_back(std::move(legacy_inputs.at(where.env)));
        continue;
      }
      RELGATE_ASSIGN_OR_RETURN(EnvInput input, load_env_input(options.repo, where));
      inputs.envs.push_back(std::move(input));
    }
  }

  std::set<std::string> seen_paths;
  for (const auto &path : options.evidence_paths) {
    if (!seen_paths.insert(path).second)
      return make_error("--evidence " + path + ": given twice");
    RELGATE_ASSIGN_OR_RETURN(EvidenceInput input, load_evidence_input(path, trusted_keys));
    RELGATE_TRY(check_claimed_app(options.repo, listed, input));
    inputs.evidence.push_back(std::move(input));
  }
  for (const auto &path : options.history_paths) {
    RELGATE_ASSIGN_OR_RETURN(HistoryFile file, load_history(path));
    inputs.history.push_back(std::move(file));
  }
  return inputs;
}

} // namespace relgate::audit
