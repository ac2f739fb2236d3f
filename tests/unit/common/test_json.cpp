#include "json.hpp"

#include <doctest/doctest.h>

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
