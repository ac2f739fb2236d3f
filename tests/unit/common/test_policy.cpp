#include "policy.hpp"

#include <doctest/doctest.h>

using namespace relgate;

namespace
{
LoadedPolicy load(const std::string &text)
{
  auto policy = load_policy_text(text, "policies/test.toml", 1);
  REQUIRE_MESSAGE(policy, (policy ? "" : policy.message()));
  return std::move(*policy);
}
} // namespace

TEST_CASE("version is required and newer versions are refused")
{
  auto missing = load_policy_text("[max]\ncritical = 0\n", "p.toml", 1);
  REQUIRE_FALSE(missing);
  CHECK(missing.message() == "p.toml: missing 'version' key (add `version = 1` at the top of the policy)");
  auto newer = load_policy_text("version = 2\n", "p.toml", 1);
  REQUIRE_FALSE(newer);
  CHECK(newer.message() ==
        "p.toml:1:11: version: policy version 2 is newer than this relgate supports (1): upgrade relgate");
  auto wrong_type = load_policy_text("version = \"1\"\n", "p.toml", 1);
  REQUIRE_FALSE(wrong_type);
  CHECK(wrong_type.message().find("expected an integer from 1 to 1000000, got a string") != std::string::npos);
}

TEST_CASE("invalid TOML is reported with line and column")
{
  auto bad = load_policy_text("version = 1\nmax = [\n", "p.toml", 1);
  REQUIRE_FALSE(bad);
  CHECK(bad.message().find("p.toml:") == 0);
  CHECK(bad.message().find("invalid TOML") != std::string::npos);
}

TEST_CASE("typed accessors with ranges, names and positions")
{
  auto policy = load("version = 1\nname = \"x\"\nratio = 0.5\nlimit = 3\nwindow = \"5m\"\nflag = true\n"
                     "ids = [\"a\", \"b\"]\nmode = \"deny\"\n[max]\ncritical = -1\n");
  PolicyTable &root = *policy.root;
  CHECK(policy.version == 1);
  CHECK(policy.sha256.size() == 64);
  CHECK(*root.string("name") == std::optional<std::string>("x"));
  CHECK(**root.number("ratio", 0, 1) == 0.5);
  CHECK(**root.number("limit", 0, 10) == 3.0); // integers are numbers too
  CHECK(**root.duration("window") == std::chrono::minutes(5));
  CHECK(**root.boolean("flag") == true);
  CHECK((**root.string_array("ids")).size() == 2);
  CHECK(**root.choice("mode", {"deny", "pass"}) == "deny");
  CHECK_FALSE(*root.integer("absent", 0, 5)); // absent = nullopt, caller's default

  auto max = root.table("max");
  REQUIRE(max);
  REQUIRE(*max);
  auto critical = (*max)->integer("critical", 0, 100);
  REQUIRE_FALSE(critical);
  CHECK(critical.message() == "policies/test.toml:10:12: [max] critical: expected an integer from 0 to 100, got -1");
  CHECK(root.finish());
}

TEST_CASE("wrong types and bad choices name the key")
{
  auto policy = load("version = 1\nwindow = 5\nmode = \"maybe\"\nlimit = \"3\"\n");
  PolicyTable &root = *policy.root;
  CHECK(root.duration("window").message().find("window: expected a duration string like \"30s\", got an integer") !=
        std::string::npos);
  CHECK(root.choice("mode", {"deny", "pass"}).message() ==
        "policies/test.toml:3:8: mode: expected one of: deny, pass; got 'maybe'");
  CHECK(root.integer("limit", 0, 5).message().find("got a string") != std::string::npos);
}

TEST_CASE("unknown keys fail with the known ones listed")
{
  auto policy = load("version = 1\n[max]\ncritical = 0\ncritcal = 1\n");
  PolicyTable &root = *policy.root;
  auto max = root.table("max");
  REQUIRE(max);
  REQUIRE(*max);
  CHECK((*max)->integer("critical", 0, 10));
  auto finished = (*max)->finish();
  REQUIRE_FALSE(finished);
  CHECK(finished.message() == "policies/test.toml:4:1: unknown key 'critcal' in [max]; known keys: critical");
  CHECK(root.finish());
}

TEST_CASE("arrays of tables carry their index in messages")
{
  auto policy = load("version = 1\n[[allow]]\nid = \"CVE-1\"\n[[allow]]\nid = 7\n");
  auto entries = policy.root->array_of_tables("allow");
  REQUIRE(entries);
  REQUIRE(entries->size() == 2);
  CHECK((*entries)[0].string("id"));
  auto bad = (*entries)[1].string("id");
  REQUIRE_FALSE(bad);
  CHECK(bad.message().find("[allow[2]] id: expected a string") != std::string::npos);
  CHECK(policy.root->keys() == std::vector<std::string>{"allow", "version"});
}

TEST_CASE("times: TOML dates, offset date-times and RFC 3339 strings")
{
  auto policy = load("version = 1\nday = 2026-06-30\nat = 2026-06-30T10:00:00+02:00\ntext = \"2026-06-30T08:00:00Z\"\n"
                     "local = 2026-06-30T10:00:00\nbad = \"30/06/2026\"\nnumber = 5\n");
  PolicyTable &root = *policy.root;
  CHECK(format_rfc3339(**root.time("day")) == "2026-06-30T00:00:00Z");
  CHECK(format_rfc3339(**root.time("at")) == "2026-06-30T08:00:00Z");
  CHECK(format_rfc3339(**root.time("text")) == "2026-06-30T08:00:00Z");
  CHECK(root.time("local").message().find("local: a date-time needs a zone") != std::string::npos);
  CHECK(root.time("bad").message().find("policies/test.toml:6:7: bad: '30/06/2026' is not an RFC 3339 time") == 0);
  CHECK(root.time("number").message().find("got an integer") != std::string::npos);
  CHECK_FALSE(*root.time("absent"));
}

TEST_CASE("times past 2261 are an error, not a signed overflow (libFuzzer: a far-future allow-list expiry)")
{
  auto policy = load("version = 1\nday = 4052-06-30\nat = 9999-12-31T00:00:00Z\ntext = \"4052-06-30\"\n"
                     "last = 2261-12-31\n");
  PolicyTable &root = *policy.root;
  CHECK(root.time("day").message().find("day: year 4052 is outside the supported range 1900..2261") !=
        std::string::npos);
  CHECK(root.time("at").message().find("year 9999 is outside") != std::string::npos);
  CHECK(root.time("text").message().find("year 4052 is outside") != std::string::npos);
  CHECK(format_rfc3339(**root.time("last")) == "2261-12-31T00:00:00Z");
}

TEST_CASE("control characters are refused before the TOML parser sees them")
{
  const std::string with_nul = std::string("version = 1\n[max]\ncritical = 0\n[\0\0deny]\n", 40);
  auto policy = load_policy_text(with_nul, "p.toml", 1);
  REQUIRE_FALSE(policy);
  CHECK(policy.message() == "p.toml:4:2: invalid TOML: control character U+0000 (is this a text file?)");
  CHECK(load_policy_text("version = 1\r\n# tab\there\r\n", "p.toml", 1)); // CRLF and tabs are fine
  CHECK_FALSE(load_policy_text("version = 1\n\x7f", "p.toml", 1));
}

TEST_CASE("non-ASCII text outside strings is a parse error, not toml++'s unreachable path (libFuzzer)")
{
  auto refused = load_policy_text("version = 1\nveing =\xc2\xac"
                                  "EV-2\"\n",
                                  "p.toml", 1);
  REQUIRE_FALSE(refused);
  CHECK(refused.message().find("p.toml:2:") == 0);
  CHECK(refused.message().find("invalid TOML") != std::string::npos);
  CHECK_FALSE(load_policy_text("version = 1\nv =\xc3\xa9\n", "p.toml", 1));
  // Quoted strings and comments may hold any text.
  auto fine = load_policy_text("version = 1 # Pr\xc3\xbc"
                               "fung\na = \"caf\xc3\xa9 \xc2\xac\"\nb = 'caf\xc3\xa9'\n",
                               "p.toml", 1);
  CHECK_MESSAGE(fine, (fine ? std::string() : fine.message()));
}

TEST_CASE("a table header starting with a character no key can start with is a parse error")
{
  auto policy = load_policy_text("version = 1\n[[$llow]]\nid = 1\n", "p.toml", 1);
  REQUIRE_FALSE(policy);
  CHECK(policy.message().find("p.toml:2:3: invalid TOML: Error while parsing key") == 0);
}
