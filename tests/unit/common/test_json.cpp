#include "json.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

using namespace relgate;

TEST_CASE("parse_json names the source and the byte offset")
{
  auto bad = parse_json("{\"a\": 1,, }", "report.json");
  REQUIRE_FALSE(bad);
  CHECK(bad.message().find("report.json: invalid JSON at byte 8") == 0);
  CHECK_FALSE(parse_json("", "empty.json"));
  CHECK(parse_json("[1,2]", "x"));
}

TEST_CASE("canonical JSON sorts keys at every level and is stable across a round trip")
{
  auto document = parse_json(R"({"b":1,"a":{"d":[3,{"z":1,"y":2}],"c":0.1},"\u00e9":true})", "x");
  REQUIRE(document);
  const std::string canonical = to_canonical_json(*document);
  CHECK(canonical == "{\"a\":{\"c\":0.1,\"d\":[3,{\"y\":2,\"z\":1}]},\"b\":1,\"\xc3\xa9\":true}");
  auto again = parse_json(to_pretty_json(*document), "x");
  REQUIRE(again);
  CHECK(to_canonical_json(*again) == canonical);
  auto doubles = parse_json("[0.30000000000000004,1e300,-0.0,123456789012345678]", "x");
  CHECK(to_canonical_json(*parse_json(to_canonical_json(*doubles), "x")) == to_canonical_json(*doubles));
}

TEST_CASE("typed access and builders")
{
  auto document = parse_json(R"({"s":"x","i":5,"f":1.5,"b":false,"o":{}})", "x");
  REQUIRE(document);
  CHECK(get_string(*document, "s") == "x");
  CHECK_FALSE(get_string(*document, "i"));
  CHECK(get_int64(*document, "i") == 5);
  CHECK(get_number(*document, "f") == 1.5);
  CHECK(get_bool(*document, "b") == false);
  CHECK(find_member(*document, "o") != nullptr);
  CHECK(find_member(*document, "missing") == nullptr);

  JsonDocument built = empty_object();
  set_member(built, "name", std::string_view("api"), built.GetAllocator());
  set_member(built, "name", std::string_view("web"), built.GetAllocator()); // replaces, no duplicate key
  set_member(built, "list", json_string_array({"a", "b"}, built.GetAllocator()), built.GetAllocator());
  CHECK(to_json(built) == R"({"name":"web","list":["a","b"]})");
  JsonDocument copy = copy_document(built);
  CHECK(to_json(copy) == to_json(built));
}

TEST_CASE("a lone UTF-16 surrogate escape is refused: what we would write could not be read back (libFuzzer)")
{
  CHECK_FALSE(parse_json(R"({"a": "x\ude9f"})", "s.json"));
  CHECK_FALSE(parse_json(R"({"\ud800": 1})", "s.json"));
  CHECK(parse_json(R"({"a": "\ud83d\ude00 \u00e9"})", "s.json")); // a pair and a BMP escape are fine
  auto refused = parse_json(R"(["\udfff"])", "s.json");
  REQUIRE_FALSE(refused);
  CHECK(refused.message().find("lone UTF-16 surrogate") != std::string::npos);
}

TEST_CASE("convert_json_number reads decimals exactly as strtod does, on its fast path and off it")
{
  // Short decimals take a division of two exact doubles; everything else goes to strtod. Both
  // must give strtod's correctly rounded double, bit for bit.
  std::mt19937_64 random(42);
  auto check = [](const std::string &text) {
    auto converted = convert_json_number(text);
    REQUIRE_MESSAGE(converted, text);
    const double expected = std::strtod(text.c_str(), nullptr);
    CHECK_MESSAGE(std::memcmp(&converted->value, &expected, sizeof expected) == 0, text);
    CHECK_FALSE(converted->integer);
  };
  for (int i = 0; i < 200000; ++i) {
    const int integer_digits = 1 + static_cast<int>(random() % 9);
    const int fraction_digits = 1 + static_cast<int>(random() % 10); // some past 15 digits in all
    std::string text = random() % 4 == 0 ? "-" : "";
    for (int d = 0; d < integer_digits; ++d)
      text += static_cast<char>('0' + (d == 0 && integer_digits > 1 ? 1 + random() % 9 : random() % 10));
    text += '.';
    for (int d = 0; d < fraction_digits; ++d)
      text += static_cast<char>('0' + random() % 10);
    check(text);
  }
  for (const char *text : {"0.1", "-0.0", "0.0", "9.999999999999999", "999999999999999.9", "0.000000000000001",
                           "1.7976931348623157", "4.35", "7.5", "1.00000000000000000001", "2.5e-3", "1E2"})
    check(text);
  // -0.0 keeps its sign, as strtod's does.
  CHECK(std::signbit(convert_json_number("-0.0")->value));
}
