#include "process.hpp"

#include <doctest/doctest.h>

using namespace relgate;

TEST_CASE("run_process passes argv verbatim: no shell")
{
  auto result = run_process({"printf", "%s|", "a b", "$(id)", "'q'"});
  REQUIRE(result);
  CHECK(result->exit_code == 0);
  CHECK(result->stdout_text == "a b|$(id)|'q'|");
}

TEST_CASE("exit codes, stderr, stdin, env, working directory")
{
  auto failed = run_process({"sh", "-c", "echo oops >&2; exit 3"});
  REQUIRE(failed);
  CHECK(failed->exit_code == 3);
  CHECK(failed->stderr_text == "oops\n");

  ProcessOptions options;
  options.stdin_data = std::string(200000, 'z'); // larger than a pipe buffer
  auto counted = run_process({"wc", "-c"}, options);
  REQUIRE(counted);
  CHECK(counted->stdout_text.find("200000") != std::string::npos);

  ProcessOptions env_options;
  env_options.extra_env = {{"RELGATE_PROCESS_TEST", "yes"}};
  env_options.working_directory.assign(1, '/');
  auto env = run_process({"sh", "-c", "echo $RELGATE_PROCESS_TEST; pwd"}, env_options);
  REQUIRE(env);
  CHECK(env->stdout_text == "yes\n/\n");
}

TEST_CASE("a missing program is an error; a slow one is killed at the timeout")
{
  auto missing = run_process({"relgate-no-such-program"});
  REQUIRE_FALSE(missing);
  CHECK(missing.message().find("cannot run 'relgate-no-such-program'") == 0);

  ProcessOptions options;
  options.timeout = Duration(200);
  auto slow = run_process({"sleep", "5"}, options);
  REQUIRE(slow);
  CHECK(slow->timed_out);
  CHECK(slow->exit_code == 128 + 9);
}
