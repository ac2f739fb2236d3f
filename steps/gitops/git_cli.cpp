#include "git_cli.hpp"
#include "text_join.hpp"

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
  // The job's environment must not steer git (GIT_SSH_COMMAND, GIT_CONFIG_COUNT/KEY_n/VALUE_n,
  // GIT_DIR, GIT_EXEC_PATH, GIT_ASKPASS, ...): only the commit identity and settings that merely
  // narrow what git reads are inherited.
  options.dropped_env_prefixes = {"GIT_"};
  options.kept_env = {"GIT_AUTHOR_NAME",     "GIT_AUTHOR_EMAIL",    "GIT_COMMITTER_NAME",
                      "GIT_COMMITTER_EMAIL", "GIT_CONFIG_NOSYSTEM", "GIT_CEILING_DIRECTORIES"};
  // Never let a remote URL run a command through git's ext:: transport, whatever the config says,
  // and never run a program named by the repository we operate on: its hooks (a pre-commit,
  // reference-transaction or pre-push hook) or a core.fsmonitor command.
  std::vector<std::string> hardened{
      argv.front(), "-c", "protocol.ext.allow=never", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false"};
  hardened.insert(hardened.end(), argv.begin() + 1, argv.end());
  options.timeout = Duration(120000);
  auto start = std::chrono::steady_clock::now();
  auto result = run_process(hardened, options);
  g_git_time += std::chrono::steady_clock::now() - start;
  ++g_git_processes;
  if (!result) {
    return make_error("cannot run git (" + result.message() + "): install git and put it on PATH");
  }
  return result;
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
    return make_error(m_work_tree + ": `" + "git " + join(args, " ") + "` failed (exit " +
                      std::to_string(result.exit_code) + "): " + message);
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
  RELGATE_TRY(validate_remote(source));
  if (destination.empty() || destination.front() == '-')
    return make_error("clone destination '" + destination + "' must be a path that does not start with '-'");
  RELGATE_ASSIGN_OR_RETURN(auto result,
                           run_git({"git", "clone", "--quiet", "--no-hardlinks", "--", source, destination}));
  if (result.exit_code != 0) {
    return make_error("git clone " + source + " failed: " + result.stderr_text);
  }
  return ok_result();
}

namespace
{

// Control bytes and whitespace never belong in a remote, branch or commit id; a message shows
// them escaped so the refusal itself cannot forge log lines.
bool has_control_or_space(std::string_view text)
{
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F)
      return true;
  }
  return false;
}

std::string shown(std::string_view text)
{
  std::string out;
  for (char c : text.substr(0, 120)) {
    auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7F ? '?' : c;
  }
  return out;
}

} // namespace

Result<void> validate_remote(std::string_view remote)
{
  if (remote.empty())
    return make_error("--remote is empty: pass a remote name such as origin");
  if (remote.front() == '-') {
    return make_error("--remote '" + shown(remote) +
                      "' starts with '-': git would read it as an option; pass a remote name or URL");
  }
  if (has_control_or_space(remote))
    return make_error("--remote '" + shown(remote) + "' contains whitespace or control characters");
  if (remote.find("::") != std::string_view::npos) {
    return make_error("--remote '" + shown(remote) +
                      "' names a git remote helper (<transport>::<address>): relgate pushes only to remote names, "
                      "URLs and paths");
  }
  return ok_result();
}

Result<void> validate_branch(std::string_view branch)
{
  if (branch.empty() || branch.front() == '-' || has_control_or_space(branch) ||
      branch.find_first_of(":~^?*[\\") != std::string_view::npos || branch.find("..") != std::string_view::npos) {
    return make_error("branch '" + shown(branch) +
                      "' is not a plain branch name (no leading '-', spaces, ':', '..' or glob characters): check out "
                      "a normally named branch");
  }
  return ok_result();
}

Result<void> validate_commit_id(std::string_view text)
{
  bool hex = text.size() == 40 || text.size() == 64;
  for (char c : text)
    hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!hex)
    return make_error("git returned '" + shown(text) + "' where a commit id was expected");
  return ok_result();
}

} // namespace relgate::gitops
