#include "gitops_test_repo.hpp"
#include "publish.hpp"

#include "file_io.hpp"

#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::gitops;

namespace
{
PlannedCommit plan_with(const std::string &content, const std::string &line)
{
  PlannedCommit plan;
  plan.writes.push_back({"relgate/prod/state.json", content});
  plan.appends.push_back({"relgate/prod/ledger.jsonl", line});
  plan.message = "promote test\n\nRelgate-Action: promote\n";
  return plan;
}
std::string head_of(const GitRepo &repo, const std::string &ref = "HEAD")
{
  return *repo.line({"rev-parse", ref});
}
} // namespace

TEST_CASE("commit_planned writes, appends and commits only relgate's files")
{
  auto remote = test::fresh_remote("publish-commit");
  GitRepo repo(test::clone_into(remote, test::scratch_path("publish-commit/work")));
  test::write_text(repo.work_tree() + "/user-notes.txt", "not ours\n");
  auto commit = commit_planned(repo, plan_with("{\"a\":1}\n", "line1\n"));
  REQUIRE_MESSAGE(commit, commit.message());
  CHECK(*commit == head_of(repo));
  CHECK(*repo.line({"show", "HEAD:relgate/prod/state.json"}) == "{\"a\":1}");
  CHECK(*repo.line({"status", "--porcelain"}) == "?? user-notes.txt"); // the user's file is left alone
  REQUIRE(commit_planned(repo, plan_with("{\"a\":2}\n", "line2\n")));
  CHECK(*read_file(repo.work_tree() + "/relgate/prod/ledger.jsonl") == "line1\nline2\n");
  CHECK(check_relgate_files_clean(repo));
  test::write_text(repo.work_tree() + "/relgate/prod/state.json", "edited\n");
  auto dirty = check_relgate_files_clean(repo);
  REQUIRE_FALSE(dirty);
  CHECK(dirty.message().find("uncommitted changes ( M relgate/prod/state.json)") != std::string::npos);
}

TEST_CASE("a plan that writes outside the repository is refused")
{
  auto remote = test::fresh_remote("publish-escape");
  GitRepo repo(test::clone_into(remote, test::scratch_path("publish-escape/work")));
  PlannedCommit plan = plan_with("x", "y");
  plan.writes[0].path = "../escape.txt";
  CHECK_FALSE(commit_planned(repo, plan));
  CHECK_FALSE(std::filesystem::exists(test::scratch_path("publish-escape/escape.txt")));
}

TEST_CASE("push: a non-fast-forward re-plans on the new head and lands")
{
  auto remote = test::fresh_remote("publish-race");
  GitRepo first(test::clone_into(remote, test::scratch_path("publish-race/first")));
  GitRepo second(test::clone_into(remote, test::scratch_path("publish-race/second")));
  PublishOptions options;
  options.push = true;
  options.backoff = Duration(1);

  // The second clone plans from a head that the first clone's push makes stale.
  std::vector<std::string> seen_ledgers;
  bool raced = false;
  auto plan = [&](int) -> Result<std::optional<PlannedCommit>> {
    if (!raced) {
      raced = true;
      auto landed = publish(first, options, [](int) -> Result<std::optional<PlannedCommit>> {
        return std::optional<PlannedCommit>(plan_with("first\n", "first\n"));
      });
      REQUIRE(landed);
      CHECK(landed->pushed);
    }
    auto ledger = read_file(second.work_tree() + "/relgate/prod/ledger.jsonl");
    seen_ledgers.push_back(ledger ? *ledger : "");
    return std::optional<PlannedCommit>(plan_with("second\n", "second\n"));
  };
  auto result = publish(second, options, plan);
  REQUIRE_MESSAGE(result, result.message());
  CHECK(result->pushed);
  CHECK(result->attempts == 2);
  CHECK(result->conflicts == 1);
  REQUIRE(seen_ledgers.size() == 2);
  CHECK(seen_ledgers[0] == "");        // first plan: the stale head
  CHECK(seen_ledgers[1] == "first\n"); // re-plan: sees the other promotion
  GitRepo bare(remote);
  CHECK(*bare.line({"show", "main:relgate/prod/ledger.jsonl"}) == "first\nsecond");
  CHECK(head_of(bare, "main") == head_of(second));
}

TEST_CASE("push: a re-check that denies leaves the clone at the remote head, nothing pushed")
{
  auto remote = test::fresh_remote("publish-deny");
  GitRepo first(test::clone_into(remote, test::scratch_path("publish-deny/first")));
  GitRepo second(test::clone_into(remote, test::scratch_path("publish-deny/second")));
  PublishOptions options;
  options.push = true;
  options.backoff = Duration(1);
  int calls = 0;
  auto result = publish(second, options, [&](int attempt) -> Result<std::optional<PlannedCommit>> {
    ++calls;
    if (attempt == 1) {
      REQUIRE(publish(first, options, [](int) -> Result<std::optional<PlannedCommit>> {
        return std::optional<PlannedCommit>(plan_with("first\n", "first\n"));
      }));
      return std::optional<PlannedCommit>(plan_with("second\n", "second\n"));
    }
    return std::optional<PlannedCommit>(); // the re-check found a conflict
  });
  REQUIRE(result);
  CHECK_FALSE(result->committed);
  CHECK(calls == 2);
  CHECK(head_of(second) == head_of(GitRepo(remote), "main"));
  CHECK(*second.line({"status", "--porcelain"}) == "");
}

TEST_CASE("push: bounded attempts end with a conflict message")
{
  auto remote = test::fresh_remote("publish-bounded");
  GitRepo racer(test::clone_into(remote, test::scratch_path("publish-bounded/racer")));
  GitRepo slow(test::clone_into(remote, test::scratch_path("publish-bounded/slow")));
  PublishOptions options;
  options.push = true;
  options.max_attempts = 3;
  options.backoff = Duration(1);
  int n = 0;
  auto result = publish(slow, options, [&](int) -> Result<std::optional<PlannedCommit>> {
    // Someone else lands before every one of our pushes.
    auto racer_plan = plan_with("racer" + std::to_string(n) + "\n", "racer\n");
    ++n;
    REQUIRE(publish(racer, options, [&](int) -> Result<std::optional<PlannedCommit>> {
      return std::optional<PlannedCommit>(racer_plan);
    }));
    return std::optional<PlannedCommit>(plan_with("slow\n", "slow\n"));
  });
  REQUIRE_FALSE(result);
  CHECK(result.message().find("conflict: the push to origin/main was refused 3 times") != std::string::npos);
  CHECK(*slow.line({"status", "--porcelain"}) == "");
  CHECK(head_of(slow) == head_of(GitRepo(remote), "main")); // our commit dropped, clone at the remote head
}

TEST_CASE("push refuses a clone with unpushed commits and a detached HEAD")
{
  auto remote = test::fresh_remote("publish-ahead");
  GitRepo repo(test::clone_into(remote, test::scratch_path("publish-ahead/work")));
  REQUIRE(commit_planned(repo, plan_with("local\n", "local\n")));
  PublishOptions options;
  options.push = true;
  auto planless = [](int) -> Result<std::optional<PlannedCommit>> { return std::optional<PlannedCommit>(); };
  auto ahead = publish(repo, options, planless);
  REQUIRE_FALSE(ahead);
  CHECK(ahead.message().find("has commits that are not on origin/main") != std::string::npos);
  REQUIRE(repo.check({"checkout", "-q", "--detach"}));
  auto detached = publish(repo, options, planless);
  REQUIRE_FALSE(detached);
  CHECK(detached.message().find("HEAD is detached") != std::string::npos);
  GitRepo not_a_repo(test::scratch_path("publish-ahead"));
  ::setenv("GIT_CEILING_DIRECTORIES",
           std::filesystem::path(test::scratch_path("x")).parent_path().parent_path().c_str(), 1);
  CHECK_FALSE(publish(not_a_repo, {}, planless));
}

TEST_CASE("push: retries stop at max_attempts or at the time budget, whichever comes first")
{
  auto remote = test::fresh_remote("publish-budget");
  GitRepo other(test::clone_into(remote, test::scratch_path("publish-budget/other")));
  GitRepo mine(test::clone_into(remote, test::scratch_path("publish-budget/mine")));
  PublishOptions options;
  options.push = true;
  options.backoff = Duration(1);
  options.max_backoff = Duration(4);
  int landed = 0;
  // Every attempt loses: another clone pushes between this plan and its push.
  auto always_beaten = [&](int) -> Result<std::optional<PlannedCommit>> {
    PublishOptions quick = options;
    REQUIRE(publish(other, quick, [&](int) -> Result<std::optional<PlannedCommit>> {
      ++landed;
      return std::optional<PlannedCommit>(plan_with("other " + std::to_string(landed) + "\n", "o\n"));
    }));
    return std::optional<PlannedCommit>(plan_with("mine\n", "m\n"));
  };
  options.max_attempts = 3;
  auto capped = publish(mine, options, always_beaten);
  REQUIRE(!capped);
  CHECK(capped.message().find("refused 3 times") != std::string::npos);
  CHECK(capped.message().find("limits: 3 attempts") != std::string::npos);
  CHECK(landed == 3);

  landed = 0;
  options.max_attempts = 64;
  options.time_budget = Duration(0); // no attempt after the first may start
  auto budget = publish(mine, options, always_beaten);
  REQUIRE(!budget);
  CHECK(budget.message().find("refused 1 times") != std::string::npos);
  CHECK(landed == 1);
  // The clone is left at the remote head, nothing of this run committed.
  GitRepo bare(remote);
  CHECK(head_of(bare, "main") == head_of(mine));
}

TEST_CASE("commit_planned: planned removals are deleted and committed with the writes (a layout move)")
{
  auto remote = test::fresh_remote("publish-move");
  GitRepo repo(test::clone_into(remote, test::scratch_path("publish-move/work")));
  REQUIRE(commit_planned(repo, plan_with("{\"a\":1}", "line1\n")));
  PlannedCommit move;
  move.removes = {"relgate/prod/state.json", "relgate/prod/ledger.jsonl"};
  move.writes = {{"relgate/api/prod/state.json", "{\"a\":1}"}, {"relgate/api/prod/ledger.jsonl", "line1\n"}};
  move.message = "move";
  REQUIRE(commit_planned(repo, move));
  CHECK(*repo.line({"ls-files", "relgate"}) == "relgate/api/prod/ledger.jsonl\nrelgate/api/prod/state.json");
  CHECK_FALSE(std::filesystem::exists(repo.work_tree() + "/relgate/prod/state.json"));
  CHECK(*repo.check({"status", "--porcelain"}) == "");
  PlannedCommit escape;
  escape.removes = {"../outside"};
  escape.message = "x";
  CHECK_FALSE(commit_planned(repo, escape));
}
