#include "ledger.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace relgate;
using namespace relgate::gitops;

namespace
{
LedgerEntry entry(int64_t seq)
{
  LedgerEntry e;
  e.seq = seq;
  e.action = "promote";
  e.release_id = "rel-2026-11-17-01";
  e.digest = "sha256:" + std::string(64, 'c');
  e.image = "ghcr.io/acme/api";
  e.weight = 50;
  e.approvers = {"alice", "bob"};
  e.actor = "ci";
  e.time = "2026-11-17T09:00:00Z";
  e.outcome = "canary";
  e.reason = "line\nbreak \"quoted\"";
  return e;
}
} // namespace

TEST_CASE("a ledger line is one JSON object on one line")
{
  auto line = ledger_line(entry(3));
  CHECK(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1); // the reason's newline is escaped
  auto parsed = parse_ledger_line(line, "ledger:1");
  REQUIRE(parsed);
  CHECK(parsed->seq == 3);
  CHECK(parsed->weight == 50);
  CHECK(parsed->approvers == std::vector<std::string>{"alice", "bob"});
  CHECK(parsed->reason == "line\nbreak \"quoted\"");
  CHECK(parsed->rollback_of.empty());
  CHECK(parse_ledger_line("{\"seq\":1}", "ledger:9").message().find("ledger:9") != std::string::npos);
  CHECK_FALSE(parse_ledger_line("not json", "ledger:1"));
}

TEST_CASE("the newest entry is read from the tail, whatever the ledger's length")
{
  const std::string path = test::scratch_path("ledger-tail.jsonl");
  std::filesystem::remove(path);
  CHECK_FALSE(*read_last_ledger_entry(path)); // missing: no entry
  {
    std::ofstream(path) << "";
  }
  CHECK_FALSE(*read_last_ledger_entry(path));
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 1; i <= 20000; ++i)
      out << ledger_line(entry(i));
  }
  auto last = read_last_ledger_entry(path);
  REQUIRE(last);
  REQUIRE(*last);
  CHECK((*last)->seq == 20000);
  auto all = read_ledger(path);
  REQUIRE(all);
  CHECK(all->size() == 20000);
  CHECK(all->front().seq == 1);

  {
    std::ofstream(path, std::ios::app) << "{\"seq\": 1, broken\n";
  }
  CHECK_FALSE(read_last_ledger_entry(path));
  auto whole = read_ledger(path);
  REQUIRE_FALSE(whole);
  CHECK(whole.message().find(":20001") != std::string::npos); // the bad line is named
}

TEST_CASE("the ledger and the state must agree")
{
  const std::string repo = test::scratch_path("ledger-agree");
  std::filesystem::remove_all(repo);
  CHECK(check_ledger_matches_state(repo, "api", "prod", 0)); // nothing yet
  std::filesystem::create_directories(repo + "/relgate/api/prod");
  {
    std::ofstream(repo + "/relgate/api/prod/ledger.jsonl") << ledger_line(entry(1)) << ledger_line(entry(2));
  }
  CHECK(check_ledger_matches_state(repo, "api", "prod", 2));
  auto mismatch = check_ledger_matches_state(repo, "api", "prod", 1);
  REQUIRE_FALSE(mismatch);
  CHECK(mismatch.message().find("newest entry is #2 but relgate/api/prod/state.json expects #1") != std::string::npos);
}

TEST_CASE("a repeated or backwards seq is refused wherever the ledger is read, naming file and line")
{
  const std::string path = test::scratch_path("ledger-seq.jsonl");
  auto write = [&](std::initializer_list<int64_t> seqs) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    for (auto seq : seqs)
      out << ledger_line(entry(seq));
  };
  write({1, 2, 3});
  REQUIRE(read_last_ledger_entry(path));
  REQUIRE(read_ledger(path));

  write({1, 2, 2}); // a hand-appended twin of the newest entry
  auto tail = read_last_ledger_entry(path);
  REQUIRE_FALSE(tail);
  CHECK_MESSAGE(tail.message().find(path + ":3: seq 2 repeats seq 2 of line 2") != std::string::npos, tail.message());
  CHECK(tail.message().find("restore it from git history") != std::string::npos);
  auto whole = read_ledger(path);
  REQUIRE_FALSE(whole);
  CHECK_MESSAGE(whole.message().find(path + ":3: seq 2 repeats") != std::string::npos, whole.message());

  write({1, 3, 2});
  auto backwards = read_last_ledger_entry(path);
  REQUIRE_FALSE(backwards);
  CHECK_MESSAGE(backwards.message().find(path + ":3: seq 2 comes after seq 3 of line 2") != std::string::npos,
                backwards.message());
  CHECK_FALSE(read_ledger(path));

  write({0});
  CHECK(read_ledger(path).message().find(path + ":1: seq 0") != std::string::npos);
  CHECK_FALSE(read_last_ledger_entry(path));

  CHECK(parse_ledger(ledger_line(entry(1)) + "\n" + ledger_line(entry(2)), "l").value().size() == 2);
  CHECK(parse_ledger(ledger_line(entry(5)) + ledger_line(entry(5)), "l").message().find("l:2: seq 5 repeats") !=
        std::string::npos);
}

TEST_CASE("a long ledger's tail check names the line counted from the file's start")
{
  const std::string path = test::scratch_path("ledger-seq-long.jsonl");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    for (int i = 1; i <= 5000; ++i)
      out << ledger_line(entry(i));
    out << ledger_line(entry(4990)); // line 5001: behind the newest entry, inside the 64 KiB tail
  }
  auto tail = read_last_ledger_entry(path);
  REQUIRE_FALSE(tail);
  CHECK_MESSAGE(tail.message().find(path + ":5001: seq 4990 comes after seq 5000 of line 5000") != std::string::npos,
                tail.message());
  auto whole = read_ledger(path);
  REQUIRE_FALSE(whole);
  CHECK(whole.message().find(path + ":5001:") != std::string::npos);
}
