#include "ci_outputs.hpp"
#include "json.hpp"
#include "markdown_escape.hpp"
#include "utf8.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace relgate;

namespace
{
const std::string fffd = "\xef\xbf\xbd";
} // namespace

TEST_CASE("UTF-8: strict validation, and repair with U+FFFD per bad byte")
{
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbe")); // U+FFFE is UTF-8
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));         // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));     // overlong
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));     // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80")); // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));         // cut short
  CHECK_FALSE(is_valid_utf8("\x80"));             // lone continuation

  CHECK(to_valid_utf8("caf\xc3\xa9") == "caf\xc3\xa9");
  CHECK(to_valid_utf8("p q\xff\xfe r") == "p q" + fffd + fffd + " r");
  CHECK(to_valid_utf8("\xe2\x82x") == fffd + fffd + "x");
  CHECK(to_valid_utf8("\xed\xa0\x80") == fffd + fffd + fffd);
  for (const std::string bad : {"\xff", "\xc0\xaf", "a\xe2\x82", "\xf4\x90\x80\x80z"})
    CHECK(is_valid_utf8(to_valid_utf8(bad)));

  const Utf8Char euro = next_utf8("\xe2\x82\xac!", 0);
  CHECK(euro.valid);
  CHECK(euro.code == 0x20ac);
  CHECK(euro.length == 3);
}

TEST_CASE("xml_escape: only XML 1.0 characters in valid UTF-8, whatever the input")
{
  CHECK(xml_escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&apos;");
  CHECK(xml_escape("caf\xc3\xa9 \xf0\x9f\x98\x80") == "caf\xc3\xa9 \xf0\x9f\x98\x80");
  // U+FFFE / U+FFFF are not XML characters; 0xff 0xfe are not UTF-8; ESC is a C0 control.
  CHECK(xml_escape("p\xef\xbf\xbe q\xff\xfe r\x1b\xef\xbf\xbf") == "p" + fffd + " q" + fffd + fffd + " r " + fffd);
  CHECK(xml_escape("a\tb\nc") == "a\tb\nc");
}

TEST_CASE("JSON and Markdown writers store text that is not UTF-8 as U+FFFD, and read it back")
{
  JsonDocument document = empty_object();
  set_member(document, "name", std::string_view("p q\xff\xfe r"), document.GetAllocator());
  set_member(document, std::string_view("k\xff"), std::string_view("v"), document.GetAllocator());
  const std::string written = to_pretty_json(document);
  CHECK(is_valid_utf8(written));
  auto read = parse_json(written, "written");
  REQUIRE(read);
  CHECK(get_string(*read, "name") == "p q" + fffd + fffd + " r");
  CHECK(get_string(*read, "k" + fffd) == "v");
  CHECK(escape_markdown("a\xff") == "a" + fffd);
}
