#include "rollback_drill.hpp"
#include "rollback_plan.hpp"

#include "file_io.hpp"
#include "ledger.hpp"
#include "release_index.hpp"
#include "repo_layout.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace relgate;
using namespace relgate::gitops;
using namespace relgate::rollback;

namespace
{
std::string digest(char c)
{
  return "sha256:" + std::string(64, c);
}

// A repository folder (plan_rollback only reads files) where releases a..(last) reached 100%
// in order, optionally with a canary on top.
struct RepoFiles {
  std::string repo;
  EnvState state;
  KnownGoodIndex known_good;
  ReleasesIndex releases;
  std::vector<LedgerEntry> ledger;

  explicit RepoFiles(const std::string &name) : repo(test::scratch_path(name))
  {
    std::filesystem::remove_all(repo);
    std::filesystem::create_directories(repo + "/relgate/api/prod");
    state.env = "prod";
    state.image = "ghcr.io/acme/api";
  }
  void promote(char c, int64_t weight = 100)
  {
    ReleaseRef ref{std::string("rel-2026-11-17-0") + c, digest(c), "2026-11-17T09:00:00Z"};
    if (weight == 100) {
      state.stable = ref;
      state.canary.reset();
      state.canary_weight = 0;
      remember_known_good(known_good, ref);
    } else {
      state.canary = ref;
      state.canary_weight = weight;
    }
    LedgerEntry entry;
    entry.seq = ++state.ledger_seq;
    entry.action = "promote";
    entry.release_id = ref.release_id;
    entry.digest = ref.digest;
    entry.weight = weight;
    ledger.push_back(entry);
  }
  void write() const
  {
    REQUIRE(write_file_atomic(repo + "/relgate/api/prod/state.json", serialize_state(state)));
    REQUIRE(write_file_atomic(repo + "/relgate/api/prod/known-good.json", serialize_known_good(known_good)));
    REQUIRE(write_file_atomic(repo + "/relgate/api/releases.json", serialize_releases_index(releases)));
    std::string lines;
    for (const auto &entry : ledger)
      lines += ledger_line(entry);
    REQUIRE(write_file_atomic(repo + "/relgate/api/prod/ledger.jsonl", lines));
  }
  RollbackRequest request(std::string to = "") const
  {
    return RollbackRequest{repo, "api", "prod", std::move(to), "bad", *parse_rfc3339("2026-11-17T12:00:00Z")};
  }
};

std::string written(const RollbackPlan &plan, const std::string &path)
{
  for (const auto &write : plan.commit.writes) {
    if (write.path == path)
      return write.content;
  }
  return "";
}
} // namespace

TEST_CASE("default target: the newest earlier known-good release; the bad one is rejected")
{
  RepoFiles files("rollback-default");
  files.promote('1');
  files.promote('2');
  files.promote('3');
  files.write();
  auto plan = plan_rollback(files.request());
  REQUIRE_MESSAGE(plan, plan.message());
  CHECK(plan->bad.digest == digest('3'));
  REQUIRE(plan->target);
  CHECK(plan->target->digest == digest('2'));
  CHECK_FALSE(plan->canary_only);
  CHECK(plan->after.stable->digest == digest('2'));
  CHECK(plan->after.ledger_seq == 4);
  auto releases = parse_releases_index(written(*plan, "relgate/api/releases.json"), "r");
  REQUIRE(releases);
  CHECK(releases->rejected.at(digest('3')).release_id == "rel-2026-11-17-03");
  auto known_good = parse_known_good(written(*plan, "relgate/api/prod/known-good.json"), "k");
  REQUIRE(known_good);
  CHECK(known_good->releases.back().digest == digest('2')); // the bad release left the index
  CHECK(written(*plan, "relgate/api/prod/kustomization.yaml").find(digest('2')) != std::string::npos);
  REQUIRE(plan->commit.appends.size() == 1);
  auto entry = parse_ledger_line(plan->commit.appends[0].content, "l");
  REQUIRE(entry);
  CHECK(entry->action == "rollback");
  CHECK(entry->rollback_of == "rel-2026-11-17-03");
  CHECK(plan->commit.message.find("Relgate-Action: rollback\n") != std::string::npos);
  CHECK(plan->commit.message.find("Relgate-Rollback-Of: rel-2026-11-17-03\n") != std::string::npos);
}

TEST_CASE("rejected releases are skipped as targets")
{
  RepoFiles files("rollback-skip-rejected");
  files.promote('1');
  files.promote('2');
  files.promote('3');
  files.releases.rejected[digest('2')] = RejectedRelease{"rel-2026-11-17-02", "staging", "bad", "t"};
  files.write();
  auto plan = plan_rollback(files.request());
  REQUIRE(plan);
  CHECK(plan->target->digest == digest('1'));
  auto explicit_rejected = plan_rollback(files.request("rel-2026-11-17-02"));
  REQUIRE_FALSE(explicit_rejected);
  CHECK(explicit_rejected.message().find("rejected") != std::string::npos);
}

TEST_CASE("a running canary is rolled back to the stable release")
{
  RepoFiles files("rollback-canary");
  files.promote('1');
  files.promote('2', 10);
  files.write();
  auto plan = plan_rollback(files.request());
  REQUIRE(plan);
  CHECK(plan->canary_only);
  CHECK(plan->bad.digest == digest('2'));
  CHECK(plan->after.stable->digest == digest('1'));
  CHECK(plan->after.stable->since == "2026-11-17T09:00:00Z"); // the stable release did not change
  CHECK_FALSE(plan->after.canary);
  CHECK(plan->after.canary_weight == 0);
}

TEST_CASE("--to resolves ids and digests, from the index or the ledger")
{
  RepoFiles files("rollback-to");
  files.promote('1');
  files.promote('2');
  files.promote('3');
  files.known_good.releases.erase(files.known_good.releases.begin()); // '1' fell out of the index
  files.write();
  auto by_id = plan_rollback(files.request("rel-2026-11-17-02"));
  REQUIRE(by_id);
  CHECK(by_id->target->digest == digest('2'));
  auto from_ledger = plan_rollback(files.request(digest('1')));
  REQUIRE_MESSAGE(from_ledger, from_ledger.message());
  CHECK(from_ledger->target->release_id == "rel-2026-11-17-01");
  CHECK(from_ledger->after.stable->digest == digest('1'));
  CHECK(plan_rollback(files.request("rel-2026-11-17-03")).message().find("is the release being rolled back") !=
        std::string::npos);
  CHECK(plan_rollback(files.request("rel-2030-01-01-01")).message().find("ever reached 100%") != std::string::npos);
}

TEST_CASE("nothing to roll back, or nothing to roll back to")
{
  RepoFiles files("rollback-nothing");
  CHECK(plan_rollback(files.request()).message().find("has never been promoted") != std::string::npos);
  files.promote('1');
  files.write();
  CHECK(plan_rollback(files.request()).message().find("no known-good release before rel-2026-11-17-01") !=
        std::string::npos);
  CHECK_FALSE(plan_rollback(RollbackRequest{files.repo, "api", "../prod", "", "", {}}));
}

TEST_CASE("a state file and ledger that disagree stop the rollback")
{
  RepoFiles files("rollback-mismatch");
  files.promote('1');
  files.promote('2');
  files.ledger.pop_back();
  files.write();
  CHECK(plan_rollback(files.request()).message().find("newest entry is #1") != std::string::npos);
}

TEST_CASE("the drill's post-check compares the state with the plan")
{
  RepoFiles files("rollback-postcheck");
  files.promote('1');
  files.promote('2');
  files.write();
  auto plan = plan_rollback(files.request());
  REQUIRE(plan);
  // Before applying the plan the check fails (stable is still '2'); after, it passes.
  auto before = check_rolled_back(files.repo, "prod", *plan);
  REQUIRE_FALSE(before);
  CHECK(before.message().find("stable is " + digest('2')) != std::string::npos);
  for (const auto &write : plan->commit.writes)
    REQUIRE(write_file_atomic(files.repo + "/" + write.path, write.content));
  auto after = check_rolled_back(files.repo, "prod", *plan);
  REQUIRE_MESSAGE(after, after.message());
  CHECK(after->find(digest('1')) != std::string::npos);
}
