// git through its CLI, spawned with an argv vector (never a shell string), so users' credential
// helpers, SSH config and hooks keep working. Time spent inside git is measured for the bench.
#pragma once

#include "process.hpp"
#include "result.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::gitops
{

class GitRepo
{
public:
  explicit GitRepo(std::string work_tree) : m_work_tree(std::move(work_tree)) {}

  const std::string &work_tree() const { return m_work_tree; }

  // Runs `git -C <work tree> args...`; a nonzero exit is returned, not an error.
  Result<ProcessResult> run(const std::vector<std::string> &args) const;
  // Same, but a nonzero exit is an error quoting git's message; returns stdout.
  Result<std::string> check(const std::vector<std::string> &args) const;
  // stdout without its trailing newline.
  Result<std::string> line(const std::vector<std::string> &args) const;

private:
  std::string m_work_tree;
};

// Total wall time spent in git processes by this process (the bench prints relgate vs git).
std::chrono::nanoseconds git_time_spent();
int git_process_count();

// "git clone" of a local repository into a fresh folder (drills, tests).
Result<void> git_clone(const std::string &source, const std::string &destination);

// Values from flags or from git's output that become git operands are validated first: nothing
// that starts with '-' (an option), contains control characters or whitespace, or names a remote
// helper ("ext::sh -c ..."). Every git call also puts "--" before its operands.
Result<void> validate_remote(std::string_view remote);  // a remote name, URL or path
Result<void> validate_branch(std::string_view branch);  // a branch name (no "refs/heads/")
Result<void> validate_commit_id(std::string_view text); // 40 or 64 lower-case hex

} // namespace relgate::gitops
