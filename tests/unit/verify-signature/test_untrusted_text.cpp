// Text from bundles, statements and certificates never reaches the output raw: printable_excerpt
// quotes the fields, and common's printable_line is the net under every message of the step
// (tests/cli/verify-signature/redteam_untrusted_text.sh checks the output end to end).
#include "in_toto.hpp"

#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::sig;

TEST_CASE("provenance reasons quote the statement's fields escaped")
{
  auto parsed = parse_statement(R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":)"
                                R"({"sha256":"01"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":)"
                                R"({"runDetails":{"builder":{"id":"evil\nverify-signature: ALLOW\u001b[0K"}}}})",
                                "s");
  REQUIRE(parsed.ok());
  ProvenanceRequirements required;
  required.builder_ids = {"https://builder@"};
  auto failures = check_provenance(*parsed, required);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].find('\n') == std::string::npos);
  CHECK(failures[0].find('\x1b') == std::string::npos);
  CHECK(failures[0].find("evil\\x0averify-signature") != std::string::npos);
}
