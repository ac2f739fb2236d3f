#include "publish.hpp"

#include "file_io.hpp"
#include "repo_layout.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

namespace relgate::gitops
{
namespace
{

bool is_remote_moved(const ProcessResult &push)
{
  const std::string text = push.stdout_text + push.stderr_text;
  for (const char *marker : {"[rejected]", "non-fast-forward", "fetch first", "failed to update ref", "cannot lock ref",
                             "stale info", "[remote rejected]"}) {
    if (text.find(marker) != std::string::npos)
      return true;
  }
  return false;
}

// The remote branch head after a fetch, or "" when the branch does not exist there yet.
Result<std::string> fetch_remote_head(const GitRepo &repo, const std::string &remote, const std::string &branch)
{
  RELGATE_TRY(validate_remote(remote));
  RELGATE_TRY(validate_branch(branch));
  RELGATE_ASSIGN_OR_RETURN(auto fetch, repo.run({"fetch", "--quiet", "--", remote, "refs/heads/" + branch}));
  if (fetch.exit_code != 0) {
    if (fetch.stderr_text.find("couldn't find remote ref") != std::string::npos)
      return std::string();
    return make_error(repo.work_tree() + ": git fetch " + remote + " " + branch + " failed: " + fetch.stderr_text +
                      "check the remote name (--remote) and your credentials");
  }
  RELGATE_ASSIGN_OR_RETURN(auto head, repo.line({"rev-parse", "--verify", "FETCH_HEAD^{commit}"}));
  RELGATE_TRY(validate_commit_id(head));
  return head;
}

// Ledgers are JSON lines: an append must start on a line of its own. A file whose last line lost
// its newline (a hand edit, a tool that strips it) gets it back in the same commit instead of
// gluing the new entry onto the old one, which would make every later run fail to read it.
Result<std::string> line_append_bytes(const std::string &path, const std::string &content)
{
  struct stat info {
  };
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT)
      return content;
    return make_error(path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode))
    return make_error(path + " is not a regular file: restore it from git history");
  if (info.st_size == 0)
    return content;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0)
    return make_error(path + ": cannot read: " + std::strerror(errno));
  char last = '\n';
  const ssize_t n = ::pread(fd, &last, 1, info.st_size - 1);
  ::close(fd);
  if (n != 1)
    return make_error(path + ": cannot read its last byte");
  return last == '\n' ? content : "\n" + content;
}

// Jitter comes from OpenSSL's CSPRNG, not std::random_device: in the static libstdc++ of the
// portable build that calls arc4random (GLIBC_2.36; cmake/portable/arc4random.cpp keeps the floor
// at 2.35). Without randomness the retry waits the midpoint: jitter only spreads concurrent pushers.
// Exponential backoff with full jitter: base = backoff * 2^(attempt-1), capped at max_backoff,
// then a uniform wait in [0, base]. Pushers that collided spread out instead of colliding again.
// Returns the time slept in milliseconds.
int64_t sleep_before_retry(const PublishOptions &options, int attempt)
{
  long long base = options.backoff.count();
  for (int i = 1; i < attempt && base < options.max_backoff.count(); ++i)
    base *= 2;
  base = std::min<long long>(base, options.max_backoff.count());
  long long wait = base / 2;
  std::uint64_t random = 0;
  if (base > 0 && RAND_bytes(reinterpret_cast<unsigned char *>(&random), sizeof random) == 1)
    wait = static_cast<long long>(random % static_cast<std::uint64_t>(base + 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  return wait;
}

} // namespace

Result<void> check_repository(const GitRepo &repo)
{
  auto top = repo.line({"rev-parse", "--show-toplevel"});
  if (!top) {
    return make_error(repo.work_tree() + " is not a git work tree (" + top.message() +
                      "): pass --repo the path of a clone of your GitOps repository");
  }
  std::error_code error;
  auto given = std::filesystem::weakly_canonical(repo.work_tree(), error);
  auto actual = std::filesystem::weakly_canonical(*top, error);
  if (given != actual) {
    return make_error("--repo " + repo.work_tree() + " is inside the repository " + *top +
                      ": pass the repository's top folder");
  }
  return ok_result();
}

Result<void> check_relgate_files_clean(const GitRepo &repo)
{
  RELGATE_ASSIGN_OR_RETURN(
      auto status, repo.check({"status", "--porcelain", "--untracked-files=all", "--", std::string(relgate_root)}));
  if (status.empty())
    return ok_result();
  std::string first = status.substr(0, status.find('\n'));
  return make_error(repo.work_tree() + ": relgate's files have uncommitted changes (" + first +
                    "), e.g. from an interrupted promote or a hand edit. Inspect with `git -C " + repo.work_tree() +
                    " status relgate`, then discard them with `git -C " + repo.work_tree() +
                    " checkout HEAD -- relgate && git -C " + repo.work_tree() +
                    " clean -fd -- relgate` (or commit them) and run again");
}

Result<std::string> commit_planned(const GitRepo &repo, const PlannedCommit &plan)
{
  // Every planned path is checked (inside the repo, no symlink on the way, an append target a
  // regular file) before the first byte is written: a refusal half-way would leave some files
  // written and others not.
  std::vector<std::pair<std::string, const std::string *>> writes;
  for (const auto &write : plan.writes) {
    RELGATE_ASSIGN_OR_RETURN(auto path, safe_path(repo.work_tree(), write.path));
    writes.emplace_back(std::move(path), &write.content);
  }
  std::vector<std::string> removes;
  for (const auto &remove : plan.removes) {
    RELGATE_ASSIGN_OR_RETURN(auto path, safe_path(repo.work_tree(), remove));
    removes.push_back(std::move(path));
  }
  std::vector<std::pair<std::string, std::string>> appends;
  for (const auto &append : plan.appends) {
    RELGATE_ASSIGN_OR_RETURN(auto path, safe_path(repo.work_tree(), append.path));
    RELGATE_ASSIGN_OR_RETURN(auto bytes, line_append_bytes(path, append.content));
    appends.emplace_back(std::move(path), std::move(bytes));
  }
  auto make_parent = [](const std::string &path) -> Result<void> {
    std::error_code error;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), error);
    if (error)
      return make_error(path + ": cannot create its folder: " + error.message());
    return ok_result();
  };
  std::set<std::string> paths;
  if (!plan.removes.empty()) {
    std::vector<std::string> remove{"rm", "--quiet", "--"};
    remove.insert(remove.end(), plan.removes.begin(), plan.removes.end());
    RELGATE_TRY(repo.check(remove));
    paths.insert(plan.removes.begin(), plan.removes.end());
  }
  for (std::size_t i = 0; i < writes.size(); ++i) {
    RELGATE_TRY(make_parent(writes[i].first));
    // The one file writer of common/: a temp file beside it (O_EXCL|O_NOFOLLOW), renamed over it.
    RELGATE_TRY(write_file_atomic(writes[i].first, *writes[i].second));
    paths.insert(plan.writes[i].path);
  }
  for (std::size_t i = 0; i < appends.size(); ++i) {
    RELGATE_TRY(make_parent(appends[i].first));
    RELGATE_TRY(append_file(appends[i].first, appends[i].second));
    paths.insert(plan.appends[i].path);
  }
  std::vector<std::string> add{"add", "--"};
  for (const auto &path : paths) {
    if (std::find(plan.removes.begin(), plan.removes.end(), path) == plan.removes.end())
      add.push_back(path);
  }
  if (add.size() > 2)
    RELGATE_TRY(repo.check(add));

  std::vector<std::string> commit;
  // A CI runner often has no identity configured; fall back to a neutral one instead of failing.
  RELGATE_ASSIGN_OR_RETURN(auto email, repo.run({"config", "user.email"}));
  if (email.exit_code != 0) {
    commit = {"-c", "user.name=relgate", "-c", "user.email=relgate@localhost"};
  }
  commit.insert(commit.end(), {"commit", "--quiet", "--no-verify", "-m", plan.message, "--"});
  commit.insert(commit.end(), paths.begin(), paths.end());
  RELGATE_TRY(repo.check(commit));
  return repo.line({"rev-parse", "HEAD"});
}

Result<PublishResult> publish(const GitRepo &repo, const PublishOptions &options, const PlanFunction &plan)
{
  PublishResult result;
  if (options.push)
    RELGATE_TRY(validate_remote(options.remote));
  RELGATE_TRY(check_repository(repo));
  RELGATE_TRY(check_relgate_files_clean(repo));

  std::string remote_head;
  if (options.push) {
    auto branch = repo.line({"symbolic-ref", "--short", "-q", "HEAD"});
    if (!branch || branch->empty()) {
      return make_error(repo.work_tree() + ": HEAD is detached: check out the branch to push (e.g. git checkout main)");
    }
    RELGATE_TRY(validate_branch(*branch));
    result.branch = *branch;
    RELGATE_ASSIGN_OR_RETURN(remote_head, fetch_remote_head(repo, options.remote, result.branch));
    if (!remote_head.empty()) {
      RELGATE_ASSIGN_OR_RETURN(auto ancestor, repo.run({"merge-base", "--is-ancestor", "--", "HEAD", remote_head}));
      if (ancestor.exit_code != 0) {
        return make_error(repo.work_tree() + ": branch " + result.branch + " has commits that are not on " +
                          options.remote + "/" + result.branch +
                          " (an earlier run that could not push?): push them (`git -C " + repo.work_tree() + " push " +
                          options.remote + " HEAD:" + result.branch + "`) or drop them (`git -C " + repo.work_tree() +
                          " reset --keep " + options.remote + "/" + result.branch + "`), then run again");
      }
      RELGATE_TRY(repo.check({"reset", "--quiet", "--keep", remote_head, "--"}));
    }
  }

  const auto started = std::chrono::steady_clock::now();
  for (int attempt = 1; attempt <= options.max_attempts; ++attempt) {
    if (attempt > 1 && std::chrono::steady_clock::now() - started > options.time_budget)
      break;
    result.attempts = attempt;
    RELGATE_ASSIGN_OR_RETURN(auto planned, plan(attempt));
    if (!planned)
      return result; // denied or nothing to change: the work tree is untouched
    RELGATE_ASSIGN_OR_RETURN(result.commit, commit_planned(repo, *planned));
    result.committed = true;
    if (!options.push)
      return result;

    RELGATE_ASSIGN_OR_RETURN(
        auto push, repo.run({"push", "--porcelain", "--", options.remote, "HEAD:refs/heads/" + result.branch}));
    if (push.exit_code == 0) {
      result.pushed = true;
      return result;
    }
    // Our commit stays only local until it lands: drop it and start again from the remote head.
    auto moved = is_remote_moved(push);
    RELGATE_ASSIGN_OR_RETURN(auto new_head, fetch_remote_head(repo, options.remote, result.branch));
    const std::string &reset_to = new_head.empty() ? remote_head : new_head;
    if (!reset_to.empty())
      RELGATE_TRY(repo.check({"reset", "--quiet", "--keep", reset_to, "--"}));
    result.committed = false;
    result.commit.clear();
    if (!moved) {
      return make_error("git push to " + options.remote + " " + result.branch + " failed: " + push.stderr_text +
                        "check credentials and branch protection; nothing was pushed");
    }
    ++result.conflicts;
    remote_head = new_head;
    if (attempt < options.max_attempts)
      result.wait_ms += sleep_before_retry(options, attempt);
  }
  const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return make_error("conflict: the push to " + options.remote + "/" + result.branch + " was refused " +
                    std::to_string(result.conflicts) + " times in " + std::to_string(spent.count()) + " ms (limits: " +
                    std::to_string(options.max_attempts) + " attempts, " + std::to_string(options.time_budget.count()) +
                    " ms) because other promotions landed first; "
                    "nothing was pushed and the clone is at the remote head: run the step again "
                    "(or serialize jobs with a concurrency group)");
}

} // namespace relgate::gitops
