#include "attestation.hpp"
#include "dsse.hpp"
#include "encoding.hpp"
#include "in_toto.hpp"
#include "signature_verify.hpp"
#include "simple_signing.hpp"
#include "tlog_body.hpp"
#include "trust_config.hpp"

#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::sig;

TEST_CASE("DSSE PAE matches the specification's test vector")
{
  CHECK(dsse_pae("http://example.com/HelloWorld", "hello world") ==
        "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  CHECK(dsse_pae("", "") == "DSSEv1 0  0 ");
}

TEST_CASE("DSSE envelopes accept URL-safe base64")
{
  // payload bytes 0xfb 0xff encode as "-_8" in URL-safe base64.
  auto envelope =
      parse_dsse_envelope(R"({"payload":"-_8","payloadType":"t","signatures":[{"sig":"AQ","keyid":"k"}]})", "e.json");
  REQUIRE(envelope.ok());
  CHECK(envelope->payload == "\xfb\xff");
  CHECK(envelope->signatures[0].sig == "\x01");
  CHECK_FALSE(parse_dsse_envelope(R"({"payload":"AA","payloadType":"t","signatures":[]})", "e.json").ok());
}

namespace
{
const char *slsa_v1 = R"({"_type":"https://in-toto.io/Statement/v1",
 "subject":[{"name":"app.tar","digest":{"sha256":"ABCDEF"}}],
 "predicateType":"https://slsa.dev/provenance/v1",
 "predicate":{"buildDefinition":{"buildType":"https://actions.github.io/buildtypes/workflow/v1",
   "externalParameters":{"workflow":{"ref":"refs/tags/v1.2.3","repository":"https://github.com/acme/api"}}},
  "runDetails":{"builder":{"id":"https://github.com/slsa-framework/gen.yml@refs/tags/v2.0.0"}}}})";
const char *slsa_v02 = R"({"_type":"https://in-toto.io/Statement/v0.1",
 "subject":[{"name":"a","digest":{"sha256":"01"}}],"predicateType":"https://slsa.dev/provenance/v0.2",
 "predicate":{"builder":{"id":"https://builder/v0"},"buildType":"bt",
  "invocation":{"configSource":{"uri":"git+https://github.com/acme/api.git@refs/heads/main"}}}})";
} // namespace

TEST_CASE("in-toto statements: subjects matched by digest, lowercase hex")
{
  auto statement = parse_statement(slsa_v1, "p");
  REQUIRE(statement.ok());
  CHECK(statement_covers(*statement, Digest{HashAlgorithm::sha256, "abcdef"}));
  CHECK_FALSE(statement_covers(*statement, Digest{HashAlgorithm::sha256, "abcde0"}));
  CHECK_FALSE(statement_covers(*statement, Digest{HashAlgorithm::sha512, "abcdef"}));
  auto wrong = parse_statement(R"({"_type":"https://example/other","subject":[{"digest":{}}]})", "p");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.message().find("not an in-toto Statement") != std::string::npos);
}

TEST_CASE("SLSA provenance v1 and v0.2 requirements")
{
  auto v1 = parse_statement(slsa_v1, "p");
  REQUIRE(v1.ok());
  ProvenanceFacts facts = provenance_facts(*v1);
  CHECK(facts.builder_id == "https://github.com/slsa-framework/gen.yml@refs/tags/v2.0.0");
  CHECK(facts.source_repository == "github.com/acme/api");
  CHECK(facts.source_ref == "refs/tags/v1.2.3");
  ProvenanceRequirements required;
  required.predicate_types = {"https://slsa.dev/provenance/v1"};
  required.builder_ids = {"https://github.com/slsa-framework/gen.yml@"};
  required.source_repository = "https://github.com/acme/api.git";
  required.source_ref = "refs/tags/v1.2.3";
  CHECK(check_provenance(*v1, required).empty());
  required.builder_ids = {"https://github.com/slsa-framework/gen.yml"};
  auto failures = check_provenance(*v1, required);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].find("builder.id") != std::string::npos);
  required.builder_ids.clear();
  required.source_repository = "github.com/acme/web";
  CHECK(check_provenance(*v1, required).size() == 1);

  auto v02 = parse_statement(slsa_v02, "p");
  REQUIRE(v02.ok());
  ProvenanceFacts old = provenance_facts(*v02);
  CHECK(old.builder_id == "https://builder/v0");
  CHECK(old.build_type == "bt");
  CHECK(old.source_repository == "github.com/acme/api");
  CHECK(old.source_ref == "refs/heads/main");
  ProvenanceRequirements only_v1;
  only_v1.predicate_types = {"https://slsa.dev/provenance/v1"};
  CHECK(check_provenance(*v02, only_v1).size() == 1);
}

TEST_CASE("identity rules are anchored and need both halves")
{
  auto rule = make_identity_rule("", "https://github.com/acme/", "https://issuer", "", "flags");
  REQUIRE(rule.ok());
  CHECK_FALSE(rule->matches({"https://github.com/acme/api/.github/workflows/r.yml@refs/tags/v1"}, "https://issuer"));
  auto prefix = make_identity_rule("", "https://github.com/acme/.*", "", "https://(issuer|other)", "flags");
  REQUIRE(prefix.ok());
  CHECK(prefix->matches({"https://github.com/acme/api"}, "https://other"));
  CHECK_FALSE(prefix->matches({"https://evil.com/https://github.com/acme/api"}, "https://issuer"));
  CHECK_FALSE(prefix->matches({"https://github.com/acme/api"}, "https://issuer.evil"));
  auto exact = make_identity_rule("me@example.com", "", "https://issuer", "", "flags");
  REQUIRE(exact.ok());
  CHECK(exact->matches({"other", "me@example.com"}, "https://issuer"));
  CHECK_FALSE(make_identity_rule("a", "b", "i", "", "flags").ok());
  CHECK_FALSE(make_identity_rule("a", "", "", "", "flags").ok());
  auto bad = make_identity_rule("", "([", "i", "", "flags");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.message().find("invalid regexp") != std::string::npos);
}

TEST_CASE("simple-signing payloads: case-insensitive keys, type required")
{
  auto digest = simple_signing_digest(
      R"({"critical":{"Identity":{"docker-reference":"r"},"Image":{"Docker-manifest-digest":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},"Type":"cosign container image signature"}})",
      "payload.json");
  REQUIRE(digest.ok());
  CHECK(digest->hex == "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  CHECK(simple_signing_mismatch(*digest, *digest).empty());
  CHECK_FALSE(
      simple_signing_digest(R"({"critical":{"image":{"docker-manifest-digest":"sha256:00"},"type":"x"}})", "p").ok());
}

TEST_CASE("attestation files: envelope JSON or JSON lines")
{
  std::string envelope =
      R"({"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"AQ"}]})";
  CHECK(parse_attestation_file(envelope, "a.json").ok());
  CHECK(parse_attestation_file("\n" + envelope + "\n" + envelope + "\n", "a.jsonl").ok());
  auto empty = parse_attestation_file(" \n", "a.jsonl");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.message() == "a.jsonl: attestation file is empty");
}

TEST_CASE("statement_for_artifact names the subjects when the artifact is not one")
{
  DsseEnvelope envelope;
  envelope.payload_type = "application/vnd.in-toto+json";
  envelope.payload =
      R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x","digest":{"sha256":"00"}}],"predicateType":"p"})";
  Artifact artifact;
  artifact.digests[HashAlgorithm::sha256] = std::string(32, '\x11');
  auto refused = statement_for_artifact(envelope, artifact, "a.json");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.message().find("(subjects: x sha256:00)") != std::string::npos);
  envelope.payload_type = "text/plain";
  CHECK(statement_for_artifact(envelope, artifact, "a.json").message().find("payloadType") != std::string::npos);
}

TEST_CASE("log bodies: hashedrekord over DSSE commits to the PAE hash")
{
  DsseEnvelope envelope;
  envelope.payload_type = "application/vnd.in-toto+json";
  envelope.payload = "{}";
  envelope.signatures.push_back(DsseSignature{"sig", ""});
  std::string cert_der = "certificate-der";
  std::string pem = "-----BEGIN CERTIFICATE-----\n" + base64_encode(cert_der) + "\n-----END CERTIFICATE-----\n";
  auto body_with = [&](const std::string &hex) {
    TlogEntry entry;
    entry.kind = "hashedrekord";
    entry.version = "0.0.1";
    entry.canonicalized_body =
        R"({"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":")" + hex +
        R"("}},"signature":{"content":")" + base64_encode("sig") + R"(","publicKey":{"content":")" +
        base64_encode(pem) + R"("}}}})";
    return entry;
  };
  ExpectedBody expected;
  expected.signature = "sig";
  expected.verifier_der = cert_der;
  expected.dsse = &envelope;
  std::string pae_hash =
      hex_encode(hash_bytes(HashAlgorithm::sha256, dsse_pae(envelope.payload_type, envelope.payload)));
  CHECK(check_tlog_body(body_with(pae_hash), expected).ok());
  auto other = check_tlog_body(body_with(std::string(64, '0')), expected);
  REQUIRE_FALSE(other.ok());
  CHECK(other.message().find("PAE hash") != std::string::npos);
  expected.signature = "another";
  CHECK_FALSE(check_tlog_body(body_with(pae_hash), expected).ok());
}
