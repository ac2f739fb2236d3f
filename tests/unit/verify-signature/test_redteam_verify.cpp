// Red team of verify-signature as an outside attacker who controls the artifact and every file
// next to it (bundles, envelopes, statements), not the policy, trusted root or keys. The ways
// through were committed skipped and are fixed: each case says what it proves now; the attacks
// that held are kept where the suite did not cover them.
#include "attestation.hpp"
#include "digest.hpp"
#include "encoding.hpp"
#include "file_io.hpp"
#include "in_toto.hpp"
#include "key_signatures.hpp"
#include "test_keys.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

using namespace relgate;
using namespace relgate::sig;

namespace
{

std::string scratch_file(const std::string &name)
{
  const char *tmp = std::getenv("TMPDIR");
  std::filesystem::path dir = std::filesystem::path(tmp != nullptr ? tmp : "/tmp") / "relgate-redteam-verify";
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  return (dir / name).string();
}

Artifact artifact_of(std::string_view content)
{
  Artifact artifact;
  artifact.digests[HashAlgorithm::sha256] = sha256_bytes(content);
  artifact.digests[HashAlgorithm::sha512] = hash_bytes(HashAlgorithm::sha512, content);
  return artifact;
}

std::string statement_with_subject_digests(const std::string &digests_json)
{
  return R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"b","digest":)" + digests_json +
         R"(}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}})";
}

DsseEnvelope envelope_of(const std::string &payload_type, const std::string &payload)
{
  DsseEnvelope envelope;
  envelope.payload_type = payload_type;
  envelope.payload = payload;
  return envelope;
}

} // namespace

// Proves (TOCTOU): an Ed25519 signature is checked over the bytes whose digest is judged, never
// over --artifact read again: a file swapped after hashing is not what the signature is checked on.
TEST_CASE("red team: Ed25519 verifies the bytes that were hashed, not the file as it is later")
{
  const std::string path = scratch_file("ed25519-toctou.bin");
  const std::string signed_release = "release A, signed by the release key\n";
  const std::string swapped = "release B, never signed\n";
  PkeyPtr key = test::generate("ED25519");
  PublicKey trusted = test::public_of(key.get());
  std::string signature = test::sign(key.get(), nullptr, signed_release);

  // As load_artifact reads it for an Ed25519 key: B hashed and kept, then A at the same path.
  REQUIRE(write_file_atomic(path, swapped).ok());
  auto loaded = artifact_from_file(path, {HashAlgorithm::sha256}, true);
  REQUIRE(loaded.ok());
  REQUIRE(write_file_atomic(path, signed_release).ok()); // the swap, after the hash
  CHECK(loaded->primary_digest().hex == hex_encode(sha256_bytes(swapped)));
  auto verified = verify_artifact_signature(trusted, *loaded, signature);
  CHECK_MESSAGE(!verified.ok(),
                ("the signature over A was accepted for the artifact judged as " + loaded->primary_digest().str()));
  // A read as A verifies: the refusal above is the swap, not the key.
  auto signed_loaded = artifact_from_file(path, {HashAlgorithm::sha256}, true);
  REQUIRE(signed_loaded.ok());
  CHECK(verify_artifact_signature(trusted, *signed_loaded, signature).ok());

  // The red team's form: digests without the bytes (hashed elsewhere). The file is not read again.
  REQUIRE(write_file_atomic(path, swapped).ok());
  auto hashed = hash_file(path, {HashAlgorithm::sha256});
  REQUIRE(hashed.ok());
  Artifact artifact;
  artifact.path = path;
  artifact.digests = *hashed;
  REQUIRE(write_file_atomic(path, signed_release).ok());
  auto unread = verify_artifact_signature(trusted, artifact, signature);
  REQUIRE_FALSE(unread.ok());
  CHECK(unread.message().find("without keeping its bytes") != std::string::npos);
}

// Proves: with builder_ids, source_repository and source_ref but no predicate_types, a non-SLSA
// predicate (cosign custom) carrying builder.id / invocation.configSource.uri satisfies none of them.
TEST_CASE("red team: a non-SLSA predicate does not satisfy the provenance requirements")
{
  const char *custom = R"({"_type":"https://in-toto.io/Statement/v1",
    "subject":[{"name":"a","digest":{"sha256":"01"}}],
    "predicateType":"https://cosign.sigstore.dev/attestation/v1",
    "predicate":{"builder":{"id":"https://github.com/slsa-framework/gen.yml@refs/tags/v2.0.0"},
      "invocation":{"configSource":{"uri":"git+https://github.com/acme/api@refs/tags/v1.2.3"}}}})";
  auto statement = parse_statement(custom, "custom.json");
  REQUIRE(statement.ok());
  ProvenanceRequirements required;
  required.builder_ids = {"https://github.com/slsa-framework/gen.yml@"};
  required.source_repository = "github.com/acme/api";
  required.source_ref = "refs/tags/v1.2.3";
  auto failures = check_provenance(*statement, required);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].find("is not SLSA provenance") != std::string::npos);
  // Each requirement alone, too; and the same predicate as SLSA v0.2 satisfies them all.
  for (int which = 0; which < 3; ++which) {
    ProvenanceRequirements one;
    if (which == 0)
      one.builder_ids = required.builder_ids;
    else if (which == 1)
      one.source_repository = required.source_repository;
    else
      one.source_ref = required.source_ref;
    CHECK_FALSE(check_provenance(*statement, one).empty());
  }
  std::string as_slsa = custom;
  as_slsa.replace(as_slsa.find("https://cosign.sigstore.dev/attestation/v1"),
                  std::string("https://cosign.sigstore.dev/attestation/v1").size(), "https://slsa.dev/provenance/v0.2");
  auto slsa = parse_statement(as_slsa, "slsa.json");
  REQUIRE(slsa.ok());
  CHECK(check_provenance(*slsa, required).empty());
  // A predicate_types requirement alone still admits the custom type it names.
  ProvenanceRequirements types_only;
  types_only.predicate_types = {"https://cosign.sigstore.dev/attestation/v1"};
  CHECK(check_provenance(*statement, types_only).empty());
}

TEST_CASE("red team (holds): a statement binds only the artifact it names, by the algorithm it names")
{
  const Artifact artifact = artifact_of("artifact A\n");
  const std::string a256 = hex_encode(artifact.digests.at(HashAlgorithm::sha256));
  const std::string a512 = hex_encode(artifact.digests.at(HashAlgorithm::sha512));
  const std::string b256 = hex_encode(sha256_bytes("artifact B\n"));
  auto covers = [&](const std::string &digests_json, const Artifact &which) {
    auto statement = statement_for_artifact(
        envelope_of(std::string(in_toto_payload_type), statement_with_subject_digests(digests_json)), which, "s");
    return statement.ok();
  };
  CHECK(covers(R"({"sha256":")" + a256 + R"("})", artifact));
  // A's sha256 filed under another algorithm, or B's digest next to A's sha512 under sha256.
  CHECK_FALSE(covers(R"({"sha512":")" + a256 + R"("})", artifact));
  CHECK_FALSE(covers(R"({"sha384":")" + a256 + R"("})", artifact));
  CHECK_FALSE(covers(R"({"sha256":")" + a512 + R"("})", artifact));
  CHECK_FALSE(covers(R"({"sha256":")" + b256 + R"(","sha1":")" + a256.substr(0, 40) + R"("})", artifact));
  // The digest value must be the bare hex: no prefix, no padding, no truncation.
  CHECK_FALSE(covers(R"({"sha256":"sha256:)" + a256 + R"("})", artifact));
  CHECK_FALSE(covers(R"({"sha256":" )" + a256 + R"("})", artifact));
  CHECK_FALSE(covers(R"({"sha256":")" + a256.substr(0, 32) + R"("})", artifact));
  CHECK_FALSE(covers(R"({"sha256 ":")" + a256 + R"("})", artifact));
  // Given only as a digest, the artifact has no sha512: a sha512-only subject does not match.
  Artifact digest_only;
  digest_only.digests[HashAlgorithm::sha256] = artifact.digests.at(HashAlgorithm::sha256);
  CHECK(covers(R"({"sha512":")" + a512 + R"("})", artifact));
  CHECK_FALSE(covers(R"({"sha512":")" + a512 + R"("})", digest_only));
}

TEST_CASE("red team (holds): only the exact in-toto payloadType carries a statement")
{
  const Artifact artifact = artifact_of("artifact A\n");
  const std::string statement =
      statement_with_subject_digests(R"({"sha256":")" + hex_encode(artifact.digests.at(HashAlgorithm::sha256)) + "\"}");
  CHECK(statement_for_artifact(envelope_of("application/vnd.in-toto+json", statement), artifact, "s").ok());
  for (const char *type :
       {"application/vnd.in-toto+json ", "Application/vnd.in-toto+json", "application/vnd.in-toto+json; charset=utf-8",
        "application/vnd.in-toto+json\n", "application/vnd.dev.cosign.simplesigning.v1+json", ""}) {
    auto refused = statement_for_artifact(envelope_of(type, statement), artifact, "s");
    CHECK_MESSAGE(!refused.ok(), (std::string("payloadType '") + type + "' accepted"));
  }
  // The DSSE pre-authentication encoding keeps a type/payload split from being moved: the same
  // bytes split differently sign different messages.
  CHECK(dsse_pae("a b", "c") != dsse_pae("a", "b c"));
  CHECK(dsse_pae("", "1 x") != dsse_pae("1", "x"));
}

TEST_CASE("red team (holds): a source repository matches only itself after normalisation")
{
  for (const char *other :
       {"https://github.com/acme/api-evil", "https://github.com/acme/apix", "https://github.com/acme/ap",
        "https://github.com/acme/api/../evil", "https://evil.example/github.com/acme/api",
        "https://github.com@evil.example/acme/api", "https://github.com/evil/acme/api", "github.com/acme",
        "https://GitHub.com/acme/api", "", "git+https://github.com/acme"}) {
    CHECK_MESSAGE(normalize_repository(other) != normalize_repository("github.com/acme/api"),
                  (std::string("'") + other + "' normalises to github.com/acme/api"));
  }
}

// Proves: a builder id trusted up to '@' trusts its release tags (refs/tags/...) only; a branch,
// a pull request ref or a bare commit SHA (imposter commits through a fork) is refused.
TEST_CASE("red team: a builder id trusted up to '@' trusts releases, not branches or bare commits")
{
  const std::string trusted =
      "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@";
  auto statement_by = [](const std::string &builder) {
    return R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"01"}}],
      "predicateType":"https://slsa.dev/provenance/v1","predicate":{"runDetails":{"builder":{"id":")" +
           builder + R"("}}}})";
  };
  ProvenanceRequirements required;
  required.builder_ids = {trusted};
  auto release = parse_statement(statement_by(trusted + "refs/tags/v2.1.0"), "release");
  REQUIRE(release.ok());
  CHECK(check_provenance(*release, required).empty());
  for (const char *ref : {"0f9b5a8f6e3c0d1b2a3c4d5e6f708192a3b4c5d6", "refs/heads/main", "refs/pull/1/merge",
                          "refs/tags/", "", "refs/heads/refs/tags/v1", "v2.1.0"}) {
    auto other = parse_statement(statement_by(trusted + ref), ref);
    REQUIRE(other.ok());
    CHECK_MESSAGE(!check_provenance(*other, required).empty(), (std::string("builder ref ") + ref + " trusted"));
  }
}

TEST_CASE("red team (holds): a branch named like a tag does not meet a tag requirement")
{
  // SLSA v0.2: the ref is what follows the first '@' of configSource.uri; a branch named
  // refs/tags/v1.2.3 is still refs/heads/refs/tags/v1.2.3.
  const char *branch = R"({"_type":"https://in-toto.io/Statement/v0.1",
    "subject":[{"name":"a","digest":{"sha256":"01"}}],"predicateType":"https://slsa.dev/provenance/v0.2",
    "predicate":{"builder":{"id":"https://builder"},
      "invocation":{"configSource":{"uri":"git+https://github.com/acme/api@refs/heads/refs/tags/v1.2.3"}}}})";
  auto statement = parse_statement(branch, "branch");
  REQUIRE(statement.ok());
  ProvenanceRequirements required;
  required.source_repository = "github.com/acme/api";
  required.source_ref = "refs/tags/v1.2.3";
  auto failures = check_provenance(*statement, required);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].find("source ref 'refs/heads/refs/tags/v1.2.3'") != std::string::npos);
  // SLSA v1 reads the ref from externalParameters.workflow, not from a dependency's URI.
  const char *v1 = R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"01"}}],
    "predicateType":"https://slsa.dev/provenance/v1","predicate":{"buildDefinition":{
      "externalParameters":{"workflow":{"repository":"https://github.com/acme/api","ref":"refs/heads/main"}},
      "resolvedDependencies":[{"uri":"git+https://github.com/acme/api@refs/tags/v1.2.3"}]}}})";
  auto v1_statement = parse_statement(v1, "v1");
  REQUIRE(v1_statement.ok());
  CHECK(check_provenance(*v1_statement, required).size() == 1);
}
