// Text from bundles, statements and certificates never reaches the output raw: printable_message
// is the net under every message, printable_excerpt quotes the fields.
#include "in_toto.hpp"
#include "printable_message.hpp"

#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::sig;

TEST_CASE("printable_message: controls, broken UTF-8 and line or order breakers become \\xNN; the rest stays")
{
  CHECK(printable_message("plain text, a path C:\\x and a dash \u2014 ok") ==
        "plain text, a path C:\\x and a dash \u2014 ok");
  CHECK(printable_message("a\nverify-signature: ALLOW\r\x1b[0K\x7f") ==
        "a\\x0averify-signature: ALLOW\\x0d\\x1b[0K\\x7f");
  CHECK(printable_message("\xc2\x9b"
                          "31m") == "\\xc2\\x9b31m");                                             // C1 CSI
  CHECK(printable_message("x\xe2\x80\xa8y\xe2\x80\xaez") == "x\\xe2\\x80\\xa8y\\xe2\\x80\\xaez"); // U+2028, U+202E
  CHECK(printable_message("\xff\xc0\x80") == "\\xff\\xc0\\x80");                                  // not UTF-8, overlong
  CHECK(printable_message("caf\xc3\xa9") == "caf\xc3\xa9");
  const std::string once = printable_message("a\nb\\c\x1b");
  CHECK(printable_message(once) == once);
}

TEST_CASE("provenance reasons quote the statement's fields escaped")
{
  auto statement = parse_statement(R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":)"
                                   R"({"sha256":"01"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":)"
                                   R"({"runDetails":{"builder":{"id":"evil\nverify-signature: ALLOW\u001b[0K"}}}})",
                                   "s");
  REQUIRE(statement.ok());
  ProvenanceRequirements required;
  required.builder_ids = {"https://builder@"};
  auto failures = check_provenance(*statement, required);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].find('\n') == std::string::npos);
  CHECK(failures[0].find('\x1b') == std::string::npos);
  CHECK(failures[0].find("evil\\x0averify-signature") != std::string::npos);
}
