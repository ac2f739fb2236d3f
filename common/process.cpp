#include "process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h> // environ (declared with _GNU_SOURCE, which g++ and clang++ define)

namespace relgate
{

namespace
{

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  ~Pipe() { close_both(); }
  void close_both()
  {
    if (read_end >= 0)
      ::close(read_end);
    if (write_end >= 0)
      ::close(write_end);
    read_end = write_end = -1;
  }
};

bool make_pipe(Pipe &pipe)
{
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    return false;
  pipe.read_end = fds[0];
  pipe.write_end = fds[1];
  return true;
}

std::vector<std::string> build_environment(const ProcessOptions &options)
{
  std::vector<std::string> env;
  for (char **entry = environ; entry && *entry; ++entry) {
    const std::string_view item(*entry);
    const std::string_view name_of_item = item.substr(0, item.find('='));
    bool overridden = false;
    for (const auto &prefix : options.dropped_env_prefixes) {
      if (name_of_item.substr(0, prefix.size()) == prefix) {
        overridden = true;
        for (const auto &kept : options.kept_env)
          overridden = overridden && name_of_item != kept;
      }
    }
    for (const auto &[name, value] : options.extra_env) {
      if (item.size() > name.size() && item.substr(0, name.size()) == name && item[name.size()] == '=') {
        overridden = true;
      }
    }
    if (!overridden)
      env.emplace_back(item);
  }
  for (const auto &[name, value] : options.extra_env)
    env.push_back(name + "=" + value);
  return env;
}

std::vector<char *> as_pointers(std::vector<std::string> &strings)
{
  std::vector<char *> pointers;
  for (auto &s : strings)
    pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

} // namespace

Result<ProcessResult> run_process(const std::vector<std::string> &argv, const ProcessOptions &options)
{
  if (argv.empty())
    return make_error("run_process: empty argv");
  Pipe in, out, err;
  if (!make_pipe(in) || !make_pipe(out) || !make_pipe(err)) {
    return make_error("cannot create pipes: " + std::string(std::strerror(errno)));
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in.read_end, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write_end, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write_end, 2);
  if (!options.working_directory.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, options.working_directory.c_str());
  }
  std::vector<std::string> args = argv;
  std::vector<std::string> env = build_environment(options);
  auto arg_pointers = as_pointers(args);
  auto env_pointers = as_pointers(env);

  pid_t pid = 0;
  const int spawn_error =
      ::posix_spawnp(&pid, args[0].c_str(), &actions, nullptr, arg_pointers.data(), env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    return make_error("cannot run '" + argv[0] + "': " + std::strerror(spawn_error));
  }
  ::close(in.read_end);
  in.read_end = -1;
  ::close(out.write_end);
  out.write_end = -1;
  ::close(err.write_end);
  err.write_end = -1;

  // Feed stdin and drain both outputs together so a chatty child never blocks on a full pipe.
  std::string_view pending_input = options.stdin_data ? std::string_view(*options.stdin_data) : std::string_view();
  if (pending_input.empty()) {
    ::close(in.write_end);
    in.write_end = -1;
  } else {
    ::fcntl(in.write_end, F_SETFL, O_NONBLOCK);
  }
  ProcessResult result;
  const auto deadline = options.timeout ? std::chrono::steady_clock::now() + *options.timeout
                                        : std::chrono::steady_clock::time_point::max();
  char buffer[65536];
  while (out.read_end >= 0 || err.read_end >= 0) {
    pollfd fds[3];
    nfds_t count = 0;
    if (out.read_end >= 0)
      fds[count++] = {out.read_end, POLLIN, 0};
    if (err.read_end >= 0)
      fds[count++] = {err.read_end, POLLIN, 0};
    if (in.write_end >= 0)
      fds[count++] = {in.write_end, POLLOUT, 0};
    int wait_ms = -1;
    if (options.timeout) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        ::kill(pid, SIGKILL);
        result.timed_out = true;
        break;
      }
      wait_ms = static_cast<int>(left.count());
    }
    const int ready = ::poll(fds, count, wait_ms);
    if (ready < 0 && errno != EINTR)
      break;
    for (nfds_t i = 0; i < count && ready > 0; ++i) {
      if (fds[i].revents == 0)
        continue;
      if (fds[i].fd == in.write_end) {
        const ssize_t n = ::write(in.write_end, pending_input.data(), pending_input.size());
        if (n > 0)
          pending_input.remove_prefix(static_cast<std::size_t>(n));
        if (n < 0 && errno != EAGAIN && errno != EINTR)
          pending_input = {};
        if (pending_input.empty()) {
          ::close(in.write_end);
          in.write_end = -1;
        }
        continue;
      }
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (fds[i].fd == out.read_end ? result.stdout_text : result.stderr_text)
            .append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        int &fd = fds[i].fd == out.read_end ? out.read_end : err.read_end;
        ::close(fd);
        fd = -1;
      }
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

} // namespace relgate
