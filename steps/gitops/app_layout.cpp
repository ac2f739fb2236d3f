#include "app_layout.hpp"

#include "file_io.hpp"
#include "repo_layout.hpp"

#include <algorithm>
#include <filesystem>

namespace relgate::gitops
{
namespace
{

bool has_env_file(const std::string &folder)
{
  for (const char *name : {"/state.json", "/ledger.jsonl", "/kustomization.yaml", "/known-good.json"}) {
    if (file_exists(folder + name))
      return true;
  }
  return false;
}

// An application folder: its own releases.json, or an environment folder inside. Such a folder is
// never an environment of the old layout, whatever else lies in it: a state.json planted in
// relgate/web/ must not make web's whole folder look migratable (the migration would move web
// under another application and every promotion would be told to run it).
bool is_app_folder(const std::string &folder)
{
  if (file_exists(folder + "/releases.json"))
    return true;
  std::error_code error;
  std::filesystem::directory_iterator it(folder, error);
  for (const std::filesystem::directory_iterator end; !error && it != end; it.increment(error)) {
    std::error_code kind_error;
    if (it->is_directory(kind_error) && !it->is_symlink(kind_error) && it->path().filename() != "rendered" &&
        has_env_file(it->path().string()))
      return true;
  }
  return false;
}

// Files only an environment folder holds: a folder with one of them directly inside (and no sign
// of an application folder) is an environment of the single-application layout.
bool is_env_folder(const std::string &folder)
{
  return has_env_file(folder) && !is_app_folder(folder);
}

// The sub-folders of relgate/ (not symlinks), sorted; none when relgate/ does not exist. The
// error_code overloads: a folder that cannot be listed is an error value, never a throw.
Result<std::vector<std::string>> relgate_folders(const std::string &repo)
{
  std::vector<std::string> names;
  RELGATE_ASSIGN_OR_RETURN(auto root, safe_path(repo, std::string(relgate_root)));
  std::error_code error;
  if (!std::filesystem::is_directory(root, error))
    return names;
  std::filesystem::directory_iterator it(root, error);
  const std::filesystem::directory_iterator end;
  for (; !error && it != end; it.increment(error)) {
    std::error_code kind_error;
    if (it->is_directory(kind_error) && !it->is_symlink(kind_error))
      names.push_back(it->path().filename().string());
  }
  if (error)
    return make_error(root + ": cannot list: " + error.message());
  std::sort(names.begin(), names.end());
  return names;
}

} // namespace

Result<std::string> app_name_from_subject(std::string_view subject_name)
{
  std::string_view name = subject_name;
  if (auto at = name.find('@'); at != std::string_view::npos)
    name = name.substr(0, at);
  if (name.empty()) {
    return make_error("the evidence subject has no repository name to derive the application from: pass "
                      "--app NAME");
  }
  auto slash = name.rfind('/');
  std::string_view last = slash == std::string_view::npos ? name : name.substr(slash + 1);
  if (auto colon = last.find(':'); colon != std::string_view::npos)
    last = last.substr(0, colon); // a tag
  if (auto valid = validate_app_name(last); !valid) {
    return make_error("cannot derive the application from the subject repository '" + std::string(name) +
                      "' (its last path component: " + valid.message() + "): pass --app NAME");
  }
  return std::string(last);
}

Result<std::vector<std::string>> list_apps(const std::string &repo)
{
  RELGATE_ASSIGN_OR_RETURN(auto folders, relgate_folders(repo));
  std::vector<std::string> apps;
  for (const auto &name : folders) {
    if (!validate_app_name(name))
      continue;
    if (!is_env_folder(repo + "/" + app_dir(name)))
      apps.push_back(name);
  }
  return apps;
}

Result<LegacyLayout> find_legacy_layout(const std::string &repo)
{
  LegacyLayout legacy;
  RELGATE_ASSIGN_OR_RETURN(auto index, safe_path(repo, releases_path()));
  legacy.releases_index = file_exists(index);
  RELGATE_ASSIGN_OR_RETURN(auto folders, relgate_folders(repo));
  for (const auto &name : folders) {
    if (name != "templates" && is_env_folder(repo + "/" + app_dir(name)))
      legacy.envs.push_back(name);
  }
  return legacy;
}

std::string migration_command(const std::string &repo, const std::string &app)
{
  return "promote --migrate-layout --app " + (app.empty() ? std::string("NAME") : app) + " --repo " + repo;
}

Result<void> check_no_legacy_layout(const std::string &repo)
{
  RELGATE_ASSIGN_OR_RETURN(auto legacy, find_legacy_layout(repo));
  if (legacy.empty())
    return ok_result();
  std::string found = legacy.releases_index ? releases_path() : std::string();
  for (const auto &env : legacy.envs)
    found += (found.empty() ? "" : ", ") + legacy_env_paths(env).dir + "/";
  return make_error(repo + " has the single-application layout of earlier relgate versions (" + found +
                    "); relgate now keeps relgate/<app>/<env>/. Migrate it once, in one commit: `" +
                    migration_command(repo, "") + " [--push]` (NAME: the application those environments belong to)");
}

} // namespace relgate::gitops
