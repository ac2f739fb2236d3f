// Every JSON document verify-signature reads refuses a member named twice (unique_json.hpp):
// first-wins here and last-wins in jq / Go / Python would let the evidence show another tool
// material that was never verified.
#include "cosign_legacy_bundle.hpp"
#include "dsse.hpp"
#include "encoding.hpp"
#include "in_toto.hpp"
#include "sigstore_bundle.hpp"
#include "simple_signing.hpp"
#include "trusted_root.hpp"
#include "unique_json.hpp"

#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::sig;

namespace
{

bool names(const std::string &message, const std::string &part)
{
  return message.find(part) != std::string::npos;
}

const std::string statement = R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":)"
                              R"({"sha256":"01"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}})";

std::string bundle_with(const std::string &material_extra, const std::string &tail = "")
{
  return R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{"hint":"h"})" +
         material_extra +
         R"(},"messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"AAAA"},"signature":"AQID"})" +
         tail + "}";
}

} // namespace

TEST_CASE("unique JSON: a member named twice is refused at any depth, naming the source, path and member")
{
  CHECK(parse_unique_json(R"({"a":1,"b":{"a":2},"c":[{"a":3},{"b":4}]})", "ok.json").ok());
  auto top = parse_unique_json(R"({"a":1,"b":2,"a":3})", "top.json");
  REQUIRE_FALSE(top.ok());
  CHECK(names(top.message(), "top.json: (root): member \"a\" appears twice"));
  auto nested = parse_unique_json(R"({"x":[{"ok":1},{"y":{"k":1,"k":1}}]})", "n.json");
  REQUIRE_FALSE(nested.ok());
  CHECK(names(nested.message(), "n.json: x[1].y: member \"k\" appears twice"));
  // Names are compared as decoded text: an escape spells the same member.
  CHECK_FALSE(parse_unique_json(R"({"ab":1,"\u0061b":2})", "e.json").ok());
  // A name with a control byte is quoted escaped.
  auto control = parse_unique_json("{\"a\\u001b[31m\":1,\"a\\u001b[31m\":2}", "c.json");
  REQUIRE_FALSE(control.ok());
  CHECK(control.message().find('\x1b') == std::string::npos);
}

TEST_CASE("unique JSON: bundles, their log entry bodies and DSSE payloads")
{
  REQUIRE(parse_bundle(bundle_with(""), "b.json").ok());
  auto material = parse_bundle(bundle_with(R"(,"publicKey":{"hint":"attacker"})"), "b.json");
  REQUIRE_FALSE(material.ok());
  CHECK(names(material.message(), "b.json: verificationMaterial: member \"publicKey\" appears twice"));
  auto signature = parse_bundle(
      bundle_with(
          "", R"(,"messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"AAAA"},"signature":"AAAA"})"),
      "b.json");
  REQUIRE_FALSE(signature.ok());
  CHECK(names(signature.message(), "member \"messageSignature\" appears twice"));

  auto entry_with_body = [](const std::string &body) {
    return R"(,"tlogEntries":[{"logIndex":"1","logId":{"keyId":"AA=="},"kindVersion":{"kind":"hashedrekord",)"
           R"("version":"0.0.1"},"canonicalizedBody":")" +
           base64_encode(body) + R"("}])";
  };
  REQUIRE(parse_bundle(bundle_with(entry_with_body(R"({"kind":"hashedrekord"})")), "b.json").ok());
  auto body = parse_bundle(bundle_with(entry_with_body(R"({"kind":"hashedrekord","kind":"dsse"})")), "b.json");
  REQUIRE_FALSE(body.ok());
  CHECK(names(body.message(), "verificationMaterial.tlogEntries[0].canonicalizedBody: (root): member \"kind\""));

  auto dsse_bundle = [](const std::string &payload) {
    return R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{"publicKey":{}},)"
           R"("dsseEnvelope":{"payload":")" +
           base64_encode(payload) + R"(","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"AQID"}]}})";
  };
  REQUIRE(parse_bundle(dsse_bundle(statement), "d.json").ok());
  std::string twice = statement;
  twice.insert(twice.size() - 1, R"(,"subject":[{"name":"b","digest":{"sha256":"02"}}])");
  auto payload = parse_bundle(dsse_bundle(twice), "d.json");
  REQUIRE_FALSE(payload.ok());
  CHECK(names(payload.message(), "d.json: dsseEnvelope.payload: (root): member \"subject\" appears twice"));
}

TEST_CASE("unique JSON: envelopes, statements, trusted roots, simple-signing payloads, cosign bundles")
{
  auto envelope = [](const std::string &payload, const std::string &extra) {
    return R"({"payload":")" + base64_encode(payload) + R"(","payloadType":"application/vnd.in-toto+json",)" +
           R"("signatures":[{"sig":"AQID"}])" + extra + "}";
  };
  REQUIRE(parse_dsse_envelope(envelope(statement, ""), "e.json").ok());
  auto type_twice = parse_dsse_envelope(envelope(statement, R"(,"payloadType":"text/plain")"), "e.json");
  REQUIRE_FALSE(type_twice.ok());
  CHECK(names(type_twice.message(), "e.json: (root): member \"payloadType\" appears twice"));
  std::string predicate_twice = statement;
  predicate_twice.insert(predicate_twice.size() - 1, R"(,"predicate":{"builder":{"id":"x"}})");
  auto in_payload = parse_dsse_envelope(envelope(predicate_twice, ""), "e.json");
  REQUIRE_FALSE(in_payload.ok());
  CHECK(names(in_payload.message(), "e.json: payload: (root): member \"predicate\" appears twice"));
  CHECK_FALSE(parse_statement(predicate_twice, "s").ok());

  auto root = parse_trusted_root(
      R"({"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[],"tlogs":[]})",
      "root.json");
  REQUIRE_FALSE(root.ok());
  CHECK(names(root.message(), "root.json: (root): member \"tlogs\" appears twice"));

  const std::string digest = "sha256:" + std::string(64, 'a');
  const std::string image = R"("image":{"docker-manifest-digest":")" + digest + R"("})";
  const std::string type = R"("type":"cosign container image signature")";
  REQUIRE(simple_signing_digest(R"({"critical":{)" + image + "," + type + "}}", "p.json").ok());
  CHECK_FALSE(simple_signing_digest(R"({"critical":{)" + image + "," + type + "," + image + "}}", "p.json").ok());
  // Go's encoding/json matches names case-insensitively: two spellings are two readings.
  auto spelled = simple_signing_digest(R"({"critical":{)" + image + "," + type +
                                           R"(},"Critical":{"image":{"docker-manifest-digest":"sha256:)" +
                                           std::string(64, 'b') + R"("},)" + type + "}}",
                                       "p.json");
  REQUIRE_FALSE(spelled.ok());
  CHECK(names(spelled.message(), "p.json: member \"critical\" appears twice"));

  auto legacy =
      parse_bundle(R"({"base64Signature":"AQID","rekorBundle":{"SignedEntryTimestamp":"AQID","Payload":{"body":")" +
                       base64_encode(R"({"kind":"hashedrekord","apiVersion":"0.0.1","apiVersion":"0.0.2"})") +
                       R"(","integratedTime":1,"logIndex":1,"logID":"00"}}})",
                   "legacy.json");
  REQUIRE_FALSE(legacy.ok());
  CHECK(names(legacy.message(), "member \"apiVersion\" appears twice"));
}
