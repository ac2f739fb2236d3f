#include "encoding.hpp"

#include <doctest/doctest.h>

using namespace relgate;

TEST_CASE("hex round trip and errors")
{
  CHECK(hex_encode(std::string("\x00\xff\x10", 3)) == "00ff10");
  auto decoded = hex_decode("00FF10");
  REQUIRE(decoded);
  CHECK(*decoded == std::string("\x00\xff\x10", 3));
  CHECK_FALSE(hex_decode("abc"));
  CHECK_FALSE(hex_decode("zz"));
}

TEST_CASE("base64 encodes RFC 4648 vectors and decodes both alphabets")
{
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  for (const std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    auto decoded = base64_decode(base64_encode(text));
    REQUIRE(decoded);
    CHECK(*decoded == text);
  }
  CHECK(*base64_decode("Zm9vYg") == "foob");                  // unpadded
  CHECK(*base64_decode("Zm9v\nYmFy\n") == "foobar");          // line breaks as in signature files
  CHECK(*base64_decode("-_8") == std::string("\xfb\xff", 2)); // URL-safe alphabet
  CHECK(*base64_decode("+/8=") == std::string("\xfb\xff", 2));
  CHECK_FALSE(base64_decode("Zm9v!"));
  CHECK_FALSE(base64_decode("Z"));
  CHECK_FALSE(base64_decode("Zm=v"));
  CHECK_FALSE(base64_decode("Zg==="));
}
