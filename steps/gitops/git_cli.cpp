#include "git_cli.hpp"

namespace relgate::gitops
{
namespace
{

std::chrono::nanoseconds g_git_time{0};
int g_git_processes = 0;

Result<ProcessResult> run_git(const std::vector<std::string> &argv)
{
  ProcessOptions options;
  // Stable, parseable messages; never wait for a password prompt in CI.
  options.extra_env = {{"LC_ALL", "C"}, {"GIT_TERMINAL_PROMPT", "0"}};
  options.timeout = Duration(120000);
  auto start = std::chrono::steady_clock::now();
  auto result = run_process(argv, options);
  g_git_time += std::chrono::steady_clock::now() - start;
  ++g_git_processes;
  if (!result) {
    return make_error("cannot run git (" + result.message() + "): install git and put it on PATH");
  }
  return result;
}

std::string joined(const std::vector<std::string> &args)
{
  std::string text = "git";
  for (const auto &arg : args)
    text += " " + arg;
  return text;
}

} // namespace

Result<ProcessResult> GitRepo::run(const std::vector<std::string> &args) const
{
  std::vector<std::string> argv{"git", "-C", m_work_tree};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_git(argv);
}

Result<std::string> GitRepo::check(const std::vector<std::string> &args) const
{
  RELGATE_ASSIGN_OR_RETURN(auto result, run(args));
  if (result.exit_code != 0) {
    std::string message = result.stderr_text.empty() ? result.stdout_text : result.stderr_text;
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    return make_error(m_work_tree + ": `" + joined(args) + "` failed (exit " + std::to_string(result.exit_code) +
                      "): " + message);
  }
  return std::move(result.stdout_text);
}

Result<std::string> GitRepo::line(const std::vector<std::string> &args) const
{
  RELGATE_ASSIGN_OR_RETURN(auto text, check(args));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

std::chrono::nanoseconds git_time_spent()
{
  return g_git_time;
}

int git_process_count()
{
  return g_git_processes;
}

Result<void> git_clone(const std::string &source, const std::string &destination)
{
  RELGATE_ASSIGN_OR_RETURN(auto result, run_git({"git", "clone", "--quiet", "--no-hardlinks", source, destination}));
  if (result.exit_code != 0) {
    return make_error("git clone " + source + " failed: " + result.stderr_text);
  }
  return ok_result();
}

} // namespace relgate::gitops
