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

TEST_CASE("printable_line: one line, no control sequence, readable UTF-8, stable under a second pass")
{
  CHECK(printable_line("openssl 3.1.0 caf\xc3\xa9 C:\\x") == "openssl 3.1.0 caf\xc3\xa9 C:\\x");
  CHECK(printable_line("p\nscan-gate: ALLOW\r\x1b[1A\x7f") == "p\\x0ascan-gate: ALLOW\\x0d\\x1b[1A\\x7f");
  CHECK(printable_line("a\tb") == "a\\x09b");
  CHECK(printable_line(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(printable_line("q\xff\xfe") == "q\\xff\\xfe");                                         // not UTF-8
  CHECK(printable_line(std::string("csi\xc2\x9b") + "2K") == "csi\\xc2\\x9b2K");               // C1 control U+009B
  CHECK(printable_line("x\xe2\x80\xaey\xe2\x80\xa8z") == "x\\xe2\\x80\\xaey\\xe2\\x80\\xa8z"); // RLO, U+2028
  const std::string once = printable_line("p\n\x1b\xff");
  CHECK(printable_line(once) == once);
  // printable_lines keeps a renderer's own line breaks and nothing else.
  CHECK(printable_lines("a\nb\r\x1b") == "a\nb\\x0d\\x1b");
}
