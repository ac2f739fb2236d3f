// cosign legacy bundles are read as Go's encoding/json reads them (go_json_names.hpp): member
// names matched ignoring case and Unicode simple folding; two spellings of one field are refused.
#include "go_json_names.hpp"
#include "sigstore_bundle.hpp"
#include "simple_signing.hpp"

#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::sig;

TEST_CASE("go JSON names: folding as Go's encoding/json compares field names")
{
  CHECK(go_folded_name("base64Signature") == "BASE64SIGNATURE");
  CHECK(go_folded_name("BASE64signature") == "BASE64SIGNATURE");
  CHECK(go_folded_name("ba\xC5\xBF"
                       "e64Signature") == "BASE64SIGNATURE"); // U+017F long s
  CHECK(go_folded_name("\xE2\x84\xAA"
                       "ind") == "KIND");                // U+212A Kelvin sign
  CHECK(go_folded_name("caf\xC3\xA9") == "CAF\xC3\xA9"); // other bytes unchanged
}

TEST_CASE("go JSON names: a legacy bundle with one field in two spellings is refused at any depth")
{
  auto top = parse_bundle(R"({"base64Signature":"AQID","cert":"","Cert":"x"})", "l.bundle");
  REQUIRE_FALSE(top);
  CHECK(top.message().find(R"(l.bundle: (root): members "cert" and "Cert" are one field)") != std::string::npos);

  auto nested = parse_bundle(R"({"base64Signature":"AQID","rekorBundle":{"SignedEntryTimestamp":"AA==",)"
                             R"("Payload":{"body":"e30=","integratedTime":1,"logIndex":1,"logID":"00",)"
                             R"("LogIndex":2}}})",
                             "n.bundle");
  REQUIRE_FALSE(nested);
  CHECK(nested.message().find("n.bundle: rekorBundle.Payload: members \"logIndex\" and \"LogIndex\"") !=
        std::string::npos);

  auto upper = parse_bundle(R"({"BASE64SIGNATURE":"AQID","CERT":""})", "u.bundle");
  REQUIRE(upper);
  CHECK(upper->message_signature->signature == "\x01\x02\x03");
  CHECK(upper->has_public_key);
}

TEST_CASE("go JSON names: a simple-signing payload spelling a field with the Kelvin sign is one field")
{
  const std::string digest_a = "sha256:" + std::string(64, 'a');
  const std::string digest_b = "sha256:" + std::string(64, 'b');
  auto twice = simple_signing_digest(R"({"critical":{"type":"cosign container image signature","image":{)"
                                     R"("docker-manifest-digest":")" +
                                         digest_a + R"(","doc\u212Aer-manifest-digest":")" + digest_b + R"("}}})",
                                     "p.json");
  REQUIRE_FALSE(twice);
  CHECK(twice.message().find("docker-manifest-digest\" appears twice (in two spellings") != std::string::npos);
}
