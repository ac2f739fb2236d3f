// Identity patterns use RE2 (cosign's Go syntax, linear time), anchored as relgate documents.
#include "identity_pattern.hpp"
#include "trust_config.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace relgate::sig;

TEST_CASE("identity patterns take Go/RE2 syntax: (?i) and friends")
{
  auto rule = make_identity_rule("", "(?i)https://github\\.com/ACME/.+", "", "(?i)https://token\\.actions\\..*",
                                 "command line", identity_flag_names());
  REQUIRE_MESSAGE(rule.ok(), (rule.ok() ? "" : rule.message()));
  CHECK(rule->matches({"https://github.com/acme/api/.github/workflows/r.yml@refs/tags/v1"},
                      "https://TOKEN.actions.githubusercontent.com"));
  CHECK_FALSE(rule->matches({"https://github.com/evil/api"}, "https://token.actions.githubusercontent.com"));
  // Go syntax classes and non-capturing groups.
  auto classes = IdentityPattern::compile(R"(\Ahttps://(?:gitlab|github)\.com/[[:alnum:]_-]+\z)", "test");
  REQUIRE(classes.ok());
  CHECK(classes->matches_whole("https://gitlab.com/acme_1"));
  CHECK_FALSE(classes->matches_whole("https://gitlab.com/acme/x"));
}

TEST_CASE("identity patterns stay anchored, alternation included")
{
  auto alternation = IdentityPattern::compile("https://a|https://b", "test");
  REQUIRE(alternation.ok());
  CHECK(alternation->matches_whole("https://a"));
  CHECK(alternation->matches_whole("https://b"));
  CHECK_FALSE(alternation->matches_whole("https://a.evil"));
  CHECK_FALSE(alternation->matches_whole("x https://b"));
  auto rule = make_identity_rule("", "https://a|https://b", "https://issuer", "", "flags");
  REQUIRE(rule.ok());
  CHECK(rule->describe().find("^(?:https://a|https://b)$") != std::string::npos);
}

TEST_CASE("an invalid pattern is an error naming the flag or the policy key")
{
  auto flag = make_identity_rule("", "(a", "https://issuer", "", "command line", identity_flag_names());
  REQUIRE_FALSE(flag.ok());
  CHECK(flag.message().find("--certificate-identity-regexp") != std::string::npos);
  CHECK(flag.message().find("invalid regexp '(a'") != std::string::npos);
  auto issuer = make_identity_rule("me", "", "", "x{2,1}", "command line", identity_flag_names());
  REQUIRE_FALSE(issuer.ok());
  CHECK(issuer.message().find("--certificate-oidc-issuer-regexp") != std::string::npos);
  // ECMAScript-only constructs are not Go syntax: refused, never silently reinterpreted.
  auto lookahead = make_identity_rule("", "(?=x)x", "i", "", "policy.toml:3:1");
  REQUIRE_FALSE(lookahead.ok());
  CHECK(lookahead.message().find("policy.toml:3:1: subject_regexp") != std::string::npos);
  CHECK_FALSE(make_identity_rule("", "(a)\\1", "i", "", "p").ok()); // backreference
}

TEST_CASE("catastrophic patterns and huge subjects run in linear time without recursion")
{
  auto rule = make_identity_rule("", "(a+)+$", "", "(a|a)*b", "test");
  REQUIRE(rule.ok());
  const std::string almost(50000, 'a');
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(rule->matches({almost + "!"}, "i")); // exponential for a backtracking engine
  CHECK_FALSE(rule->matches({"x"}, almost));       // issuer (a|a)*b on 50,000 a's
  const std::string huge(1 << 20, 'a');            // 1 MiB: std::regex recursed and crashed
  auto long_match = IdentityPattern::compile("(a|b)*", "test");
  REQUIRE(long_match.ok());
  CHECK(long_match->matches_whole(huge));
  CHECK(rule->matches({huge}, std::string(1 << 20, 'a') + "b"));
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 5.0); // backtracking needs ~2^50000 steps; RE2 a few milliseconds
}
