#include "repo_layout.hpp"

#include "env_name.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace relgate::gitops
{

Result<void> validate_env_name(std::string_view env)
{
  return relgate::validate_env_name(env); // one grammar for every step (common/env_name.hpp)
}

EnvPaths env_paths(const std::string &env)
{
  std::string dir = std::string(relgate_root) + "/" + env;
  return EnvPaths{dir,
                  dir + "/state.json",
                  dir + "/kustomization.yaml",
                  dir + "/known-good.json",
                  dir + "/ledger.jsonl",
                  dir + "/rendered"};
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
