// The report parser accepts exactly what RapidJSON (json_reader_flags) accepts and hands the same
// events at the same offsets: on hand-picked edge cases, then on 20,000 seeded mutations of them.
#include "json_parser_differential.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

using relgate::scan::testing::compare_with_rapidjson;

namespace
{

const std::vector<std::string> &edge_cases()
{
  static const std::vector<std::string> cases = {
      "",
      " ",
      "{}",
      "[]",
      " {\n\t\r} ",
      "[[]]",
      "{\"a\":{}}",
      "{\"a\":[]}",
      "[{},[],{}]",
      "null",
      "true",
      "false",
      "nul",
      "tru",
      "fals",
      "nullx",
      "[null,true,false]",
      "0",
      "-0",
      "01",
      "-",
      "-a",
      "1.",
      "1.5",
      ".5",
      "1e",
      "1e+",
      "1e-5",
      "1E5",
      "+1",
      "1.5e+308",
      "1e400",
      "0e400",
      "-1.2e-400",
      "123456789012345678901234567890",
      "[1,]",
      "[,1]",
      "{,}",
      "{\"a\":1,}",
      "{\"a\" 1}",
      "{\"a\":}",
      "{\"a\"}",
      "{1:2}",
      "{\"a\":1 \"b\":2}",
      "[1 2]",
      "\"abc\"",
      "\"abc",
      "\"a\\\"b\"",
      "\"\\u0041\"",
      "\"\\u00e9\\u20ac\"",
      "\"\\ud83d\\ude00\"",
      "\"\\ud83d\"",
      "\"\\ud83dx\"",
      "\"\\ud83d\\u0041\"",
      "\"\\ude00\"",
      "\"\\u12\"",
      "\"\\uzzzz\"",
      "\"\\x\"",
      "\"\\\"",
      "\"a\tb\"",
      "\"a\nb\"",
      "\"\x01\"",
      "\"\x7f\xff\xfe\"",
      "\"\\/\\b\\f\\n\\r\\t\"",
      "{\"a\":1}x",
      "{\"a\":1} {}",
      "[1]]",
      "]",
      "}",
      ":",
      ",",
      // Longer than the 16-byte blocks, with the special byte at every position of a block.
      "\"0123456789abcdef0123456789abcdef\"",
      "\"0123456789abcde\\n0123456789abcdef\"",
      "\"0123456789abcdef0\\\"23456789\"",
      "[                                  1]",
      "{\"Description\":\"                                                    \\u0041\"}",
  };
  return cases;
}

void check(const std::string &text)
{
  const auto result = compare_with_rapidjson(text);
  INFO("text: ", text);
  CHECK_MESSAGE(result.same, result.difference);
}

} // namespace

TEST_CASE("report parser: edge cases parse as RapidJSON parses them")
{
  for (const std::string &text : edge_cases())
    check(text);
  // A NUL inside the text ends it, as for RapidJSON's StringStream.
  check(std::string("{}\0{}", 5));
  check(std::string("{\"a\0\":1}", 8));
  check(std::string("[1,\0", 4));
}

TEST_CASE("report parser: strings arrive whole, with escapes decoded, and whitespace of any length")
{
  // Both string scans: 32 bytes at a time (AVX2, where the CPU has it) and 16 (SSE2).
#if defined(__x86_64__)
  const bool avx2 = relgate::scan::cpu_has_avx2;
  for (bool use_avx2 : {avx2, false}) {
    relgate::scan::cpu_has_avx2 = use_avx2;
#else
  {
#endif
    for (std::size_t length = 0; length < 100; ++length) {
      for (std::size_t at = 0; at <= length; ++at) {
        std::string body(length, 'x');
        body.insert(at, at % 3 ? "\\n" : "\x01");
        check("[\"" + body + "\"]");
        check("{\"" + body + "\":" + std::string(length, ' ') + "1}");
      }
    }
  }
#if defined(__x86_64__)
  relgate::scan::cpu_has_avx2 = avx2;
#endif
  for (std::size_t length = 0; length < 70; ++length) {
    for (std::size_t at = 0; at <= length; ++at) {
      std::string body(length, 'x');
      body.insert(at, "\\n");
      check("[\"" + body + "\"]");
      check("{\"" + body + "\":" + std::string(length, ' ') + "1}");
    }
  }
}

TEST_CASE("report parser: 20,000 seeded mutations of the edge cases agree with RapidJSON")
{
  static const std::string alphabet = "{}[]\",:\\ \n\t\r-+.0123456789eEuntrfalsd\x01\x1f\x7f\xc3\xa9";
  std::mt19937 random(20261202);
  const auto &seeds = edge_cases();
  const std::string base =
      "{\"Results\":[{\"Target\":\"a b\",\"Vulnerabilities\":[{\"VulnerabilityID\":\"CVE-1\","
      "\"CVSS\":{\"nvd\":{\"V3Score\":9.8}},\"Title\":\"\\u00e9 \\\"q\\\"\",\"x\":[null,true]}]}]}";
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = round % 2 ? base : seeds[random() % seeds.size()] + base.substr(0, random() % base.size());
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = text.empty() ? 0 : random() % (text.size() + 1);
      const char c = alphabet[random() % alphabet.size()];
      switch (random() % 3) {
      case 0:
        text.insert(at, 1, c);
        break;
      case 1:
        if (at < text.size())
          text.erase(at, 1);
        break;
      default:
        if (at < text.size())
          text[at] = c;
        break;
      }
    }
    const auto result = compare_with_rapidjson(text);
    accepted += result.accepted ? 1 : 0;
    if (!result.same) {
      INFO("text: ", text);
      FAIL(result.difference);
    }
  }
  // The mutations must reach both sides of the grammar, or the comparison proves little.
  CHECK(accepted > 500);
  CHECK(accepted < 19500);
}
