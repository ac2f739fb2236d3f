#include "repo_layout.hpp"

#include "env_name.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace relgate::gitops
{

namespace
{

bool is_reserved_name(std::string_view name)
{
  return name == "templates" || name == "releases.json";
}

EnvPaths paths_in(const std::string &dir)
{
  return EnvPaths{dir,
                  dir + "/state.json",
                  dir + "/kustomization.yaml",
                  dir + "/known-good.json",
                  dir + "/ledger.jsonl",
                  dir + "/rendered"};
}

} // namespace

Result<void> validate_env_name(std::string_view env)
{
  RELGATE_TRY(relgate::validate_env_name(env)); // one grammar for every step (common/env_name.hpp)
  if (is_reserved_name(env)) {
    return make_error("environment name '" + std::string(env) +
                      "' is reserved (relgate/<app>/templates and relgate/<app>/releases.json): pick another name");
  }
  return ok_result();
}

Result<void> validate_app_name(std::string_view app)
{
  auto valid = relgate::validate_env_name(app);
  if (!valid) {
    return make_error("application name: " + valid.message() +
                      " (an application name follows the environment-name rule)");
  }
  if (is_reserved_name(app)) {
    return make_error("application name '" + std::string(app) +
                      "' is reserved (relgate/templates holds the shared templates): pick another name with --app");
  }
  return ok_result();
}

std::string app_dir(const std::string &app)
{
  return std::string(relgate_root) + "/" + app;
}

EnvPaths env_paths(const std::string &app, const std::string &env)
{
  return paths_in(app_dir(app) + "/" + env);
}

EnvPaths legacy_env_paths(const std::string &env)
{
  return paths_in(std::string(relgate_root) + "/" + env);
}

std::string releases_path(const std::string &app)
{
  return app_dir(app) + "/releases.json";
}

std::string app_templates_dir(const std::string &app)
{
  return app_dir(app) + "/templates";
}

std::string releases_path()
{
  return std::string(relgate_root) + "/releases.json";
}

std::string templates_dir()
{
  return std::string(relgate_root) + "/templates";
}

Result<void> validate_relative_path(std::string_view relative)
{
  if (relative.empty())
    return make_error("empty path: expected a path relative to the repository");
  if (relative.front() == '/') {
    return make_error("path '" + std::string(relative) + "' is absolute: use a path relative to the repository");
  }
  std::size_t start = 0;
  while (start <= relative.size()) {
    std::size_t end = relative.find('/', start);
    if (end == std::string_view::npos)
      end = relative.size();
    auto part = relative.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return make_error("path '" + std::string(relative) +
                        "' has an empty, '.' or '..' component: paths must stay inside the repository");
    }
    if (part.find('\0') != std::string_view::npos)
      return make_error("path contains a NUL byte");
    start = end + 1;
  }
  return ok_result();
}

Result<void> check_no_symlinks(const std::string &repo, const std::string &relative)
{
  std::string current = repo;
  std::size_t start = 0;
  while (start < relative.size()) {
    std::size_t end = relative.find('/', start);
    if (end == std::string::npos)
      end = relative.size();
    current += "/" + relative.substr(start, end - start);
    struct stat info {
    };
    if (::lstat(current.c_str(), &info) != 0) {
      if (errno == ENOENT)
        return ok_result(); // the rest does not exist yet: created as real files
      return make_error(current + ": " + std::strerror(errno));
    }
    if (S_ISLNK(info.st_mode)) {
      return make_error(current + " is a symlink: relgate refuses to read or write its files through "
                                  "symlinks; replace it with a regular file or folder");
    }
    start = end + 1;
  }
  return ok_result();
}

Result<std::string> safe_path(const std::string &repo, const std::string &relative)
{
  RELGATE_TRY(validate_relative_path(relative));
  RELGATE_TRY(check_no_symlinks(repo, relative));
  return repo + "/" + relative;
}

} // namespace relgate::gitops
