// Real git repositories on disk for the gitops unit tests (no mocks of git).
#pragma once

#include "git_cli.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace relgate::test
{

inline void set_git_identity()
{
  ::setenv("GIT_AUTHOR_NAME", "unit", 1);
  ::setenv("GIT_AUTHOR_EMAIL", "unit@example.invalid", 1);
  ::setenv("GIT_COMMITTER_NAME", "unit", 1);
  ::setenv("GIT_COMMITTER_EMAIL", "unit@example.invalid", 1);
  ::setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
}

inline void write_text(const std::string &path, const std::string &text)
{
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A bare remote with one commit on main, and a fresh clone of it.
inline std::string fresh_remote(const std::string &name)
{
  set_git_identity();
  const std::string root = scratch_path(name);
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  const std::string remote = root + "/remote.git";
  const std::string seed = root + "/seed";
  auto run = [](std::vector<std::string> argv) {
    auto result = run_process(argv);
    REQUIRE(result);
    REQUIRE_MESSAGE(result->exit_code == 0, result->stderr_text);
  };
  run({"git", "init", "-q", "--bare", "-b", "main", remote});
  run({"git", "init", "-q", "-b", "main", seed});
  write_text(seed + "/README.md", "gitops\n");
  run({"git", "-C", seed, "add", "README.md"});
  run({"git", "-C", seed, "commit", "-q", "-m", "initial"});
  run({"git", "-C", seed, "push", "-q", remote, "HEAD:refs/heads/main"});
  return remote;
}

inline std::string clone_into(const std::string &remote, const std::string &path)
{
  std::filesystem::remove_all(path);
  REQUIRE(gitops::git_clone(remote, path));
  return path;
}

} // namespace relgate::test
