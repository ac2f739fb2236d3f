#include "cli_options.hpp"

#include <doctest/doctest.h>

using namespace relgate;

namespace
{
std::vector<OptionSpec> specs()
{
  return {flag_option("push", "push"), value_option("window", "DURATION", "w", "30s"), value_option("count", "N", "c"),
          repeated_option("report", "FILE", "r")};
}
Result<ParsedArgs> parse(std::vector<const char *> argv, bool positional = false)
{
  argv.insert(argv.begin(), "step");
  return parse_command_line(static_cast<int>(argv.size()), argv.data(), specs(), positional);
}
} // namespace

TEST_CASE("flags, values, defaults and repeated options")
{
  auto args = parse({"--push", "--report", "a.json", "--report=b.json", "--count", "7"});
  REQUIRE(args);
  CHECK(args->has("push"));
  CHECK(args->values("report") == std::vector<std::string>{"a.json", "b.json"});
  CHECK(**args->integer("count", 0, 10) == 7);
  CHECK(**args->duration("window") == std::chrono::seconds(30)); // default
  auto none = parse({});
  REQUIRE(none);
  CHECK_FALSE(none->has("push"));
  CHECK(none->values("report").empty());
  CHECK_FALSE(*none->integer("count", 0, 10));
  CHECK(none->required("count").message() == "--count: is required");
}

TEST_CASE("usage errors are values")
{
  CHECK(parse({"--nope"}).message().find("unrecognised option '--nope'") != std::string::npos);
  CHECK_FALSE(parse({"--count"}));
  CHECK_FALSE(parse({"--count", "1", "--count", "2"}));
  CHECK_FALSE(parse({"stray"}));
  auto positional = parse({"stray", "--push"}, true);
  REQUIRE(positional);
  CHECK(positional->positional == std::vector<std::string>{"stray"});
  auto bad_number = parse({"--count", "x7"});
  REQUIRE(bad_number);
  CHECK(bad_number->integer("count", 0, 10).message() == "--count: expected a whole number from 0 to 10, got 'x7'");
  CHECK_FALSE(parse({"--count", "11"})->integer("count", 0, 10));
  CHECK_FALSE(parse({"--window", "5"})->duration("window"));
}

TEST_CASE("help text lists every option")
{
  const std::string help = format_options_help(specs());
  CHECK(help.find("--push") != std::string::npos);
  CHECK(help.find("--report FILE") != std::string::npos);
}

TEST_CASE("number takes finite decimals only")
{
  auto good = parse({"--count", "0.005"});
  REQUIRE(good);
  CHECK(*good->number("count").value() == doctest::Approx(0.005));
  for (const char *bad : {"nan", "inf", "-inf", "1e999", " 1", "1 ", "0x10", "", "1.5x"}) {
    auto parsed = parse({"--count", bad});
    if (!parsed)
      continue; // the parser itself refused it (the empty value)
    CAPTURE(bad);
    CHECK_FALSE(parsed->number("count"));
  }
}
