#include "encoding.hpp"
#include "signature_policy.hpp"
#include "sigstore_bundle.hpp"
#include "test_keys.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace relgate;
using namespace relgate::sig;

namespace
{
std::string bundle_json(const std::string &media_type, const std::string &material, const std::string &extra = "")
{
  return R"({"mediaType":")" + media_type + R"(","verificationMaterial":{)" + material + extra +
         R"(},"messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"AAAA"},"signature":"AQID"}})";
}
const std::string key_material = R"("publicKey":{"hint":"h"})";
} // namespace

TEST_CASE("bundle media types: v0.1, v0.2, both v0.3 spellings; others refused")
{
  CHECK(parse_bundle(bundle_json("application/vnd.dev.sigstore.bundle+json;version=0.1", key_material), "b")
            ->minor_version == 1);
  CHECK(parse_bundle(bundle_json("application/vnd.dev.sigstore.bundle+json;version=0.2", key_material), "b")
            ->minor_version == 2);
  CHECK(parse_bundle(bundle_json("application/vnd.dev.sigstore.bundle+json;version=0.3", key_material), "b")
            ->minor_version == 3);
  auto v3 = parse_bundle(bundle_json("application/vnd.dev.sigstore.bundle.v0.3+json", key_material), "b");
  REQUIRE(v3.ok());
  CHECK(v3->has_public_key);
  CHECK(v3->public_key_hint == "h");
  CHECK(v3->signature_bytes() == "\x01\x02\x03");
  auto other = parse_bundle(bundle_json("application/vnd.dev.sigstore.bundle.v0.4+json", key_material), "b.json");
  REQUIRE_FALSE(other.ok());
  CHECK(other.message().find("b.json: mediaType: unsupported") == 0);
}

TEST_CASE("bundle shape errors name the field")
{
  const std::string v3 = "application/vnd.dev.sigstore.bundle.v0.3+json";
  auto negative = parse_bundle(
      bundle_json(
          v3, key_material,
          R"(,"tlogEntries":[{"logIndex":"-1","logId":{"keyId":"AA=="},"kindVersion":{"kind":"hashedrekord","version":"0.0.1"},"canonicalizedBody":"e30="}])"),
      "b");
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.message().find("tlogEntries[0].logIndex: must not be negative") != std::string::npos);
  auto letters = parse_bundle(
      bundle_json(
          v3, key_material,
          R"(,"tlogEntries":[{"logIndex":"12x","logId":{"keyId":"AA=="},"kindVersion":{"kind":"k","version":"v"},"canonicalizedBody":"e30="}])"),
      "b");
  CHECK_FALSE(letters.ok());
  auto empty_chain = parse_bundle(bundle_json("application/vnd.dev.sigstore.bundle+json;version=0.1",
                                              R"("x509CertificateChain":{"certificates":[]})"),
                                  "b");
  REQUIRE_FALSE(empty_chain.ok());
  CHECK(empty_chain.message().find("empty certificate chain") != std::string::npos);
  auto cert_in_v1 = parse_bundle(
      bundle_json("application/vnd.dev.sigstore.bundle+json;version=0.1", R"("certificate":{"rawBytes":"AA=="})"), "b");
  CHECK_FALSE(cert_in_v1.ok());
  auto two = parse_bundle(bundle_json(v3, key_material + R"(,"certificate":{"rawBytes":"AA=="})"), "b");
  CHECK_FALSE(two.ok());
  auto chain_in_v3 =
      parse_bundle(bundle_json(v3, R"("x509CertificateChain":{"certificates":[{"rawBytes":"AA=="}]})"), "b");
  REQUIRE_FALSE(chain_in_v3.ok());
  CHECK(chain_in_v3.message().find("not allowed in v0.3 bundles") != std::string::npos);
  auto no_digest = parse_bundle(R"({"mediaType":")" + v3 + R"(","verificationMaterial":{)" + key_material +
                                    R"(},"messageSignature":{"signature":"AQID"}})",
                                "b");
  REQUIRE_FALSE(no_digest.ok());
  CHECK(no_digest.message().find("messageSignature.messageDigest: missing") != std::string::npos);
  CHECK_FALSE(parse_bundle("{\"mediaType\": ", "b").ok());
}

TEST_CASE("signature policy: keys relative to the policy, windows, threshold, strictness")
{
  auto dir = std::filesystem::temp_directory_path() / ("relgate-vs-policy-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "keys");
  auto key = test::generate("EC", "P-256");
  std::ofstream(dir / "keys" / "a.pub") << test::public_pem(key.get());
  auto other = test::generate("EC", "P-256");
  std::ofstream(dir / "keys" / "b.pub") << test::public_pem(other.get());
  std::ofstream(dir / "keys" / "a-copy.pub") << test::public_pem(key.get());
  auto write = [&](const std::string &text) {
    std::ofstream(dir / "signature.toml") << text;
    return load_signature_policy((dir / "signature.toml").string());
  };
  auto policy = write(R"(version = 1
threshold = 2
[[keys]]
name = "a"
path = "keys/a.pub"
not_after = "2026-01-01"
[[keys]]
name = "b"
path = "keys/b.pub"
[[identities]]
subject_regexp = "https://github.com/acme/.+"
issuer = "https://token.actions.githubusercontent.com"
[provenance]
builder_ids = ["https://builder@"]
source_repository = "github.com/acme/api"
)");
  REQUIRE_MESSAGE(policy.ok(), (policy.ok() ? "" : policy.message()));
  CHECK(policy->threshold == 2);
  REQUIRE(policy->keys.size() == 2);
  CHECK(policy->keys[0].path == (dir / "keys" / "a.pub").string());
  CHECK(policy->keys[0].not_after.has_value());
  CHECK(policy->keys[0].window_problem(*policy->keys[0].not_after + 1).find("expired") != std::string::npos);
  CHECK(policy->keys[1].window_problem(0).empty());
  CHECK(policy->identities.size() == 1);
  CHECK(policy->provenance.builder_ids.size() == 1);
  CHECK(policy->ref.version == 1);
  CHECK(policy->ref.sha256.size() == 64);

  auto unknown = write("version = 1\n[[keys]]\nname = \"a\"\npath = \"keys/a.pub\"\ncolor = 1\n");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.message().find("color") != std::string::npos);
  auto too_high = write("version = 1\nthreshold = 3\n[[keys]]\nname = \"a\"\npath = \"keys/a.pub\"\n");
  REQUIRE_FALSE(too_high.ok());
  CHECK(too_high.message().find("exceeds") != std::string::npos);
  auto duplicate = write(
      "version = 1\n[[keys]]\nname = \"a\"\npath = \"keys/a.pub\"\n[[keys]]\nname = \"a\"\npath = \"keys/b.pub\"\n");
  CHECK_FALSE(duplicate.ok());
  auto same_key = write("version = 1\n[[keys]]\nname = \"a\"\npath = \"keys/a.pub\"\n[[keys]]\nname = \"b\"\npath = "
                        "\"keys/a-copy.pub\"\n");
  REQUIRE_FALSE(same_key.ok());
  CHECK(same_key.message().find("is the same key as a") != std::string::npos);
  auto bad_time = write("version = 1\n[[keys]]\nname = \"a\"\npath = \"keys/a.pub\"\nnot_after = \"soon\"\n");
  CHECK_FALSE(bad_time.ok());
  auto newer = write("version = 2\n");
  CHECK_FALSE(newer.ok());
  std::filesystem::remove_all(dir);
}

TEST_CASE("cosign legacy bundles read as v0.1 bundles with an inclusion promise")
{
  std::string body = R"({"apiVersion":"0.0.1","kind":"hashedrekord","spec":{}})";
  std::string legacy =
      R"({"base64Signature":"AQID","cert":"","rekorBundle":{"SignedEntryTimestamp":"BAU=","Payload":{"body":")" +
      base64_encode(body) + R"(","integratedTime":1700000000,"logIndex":7,"logID":"c0d23d6a"}}})";
  auto bundle = parse_bundle(legacy, "old.bundle");
  REQUIRE_MESSAGE(bundle.ok(), (bundle.ok() ? "" : bundle.message()));
  CHECK(bundle->has_public_key);
  CHECK(bundle->minor_version == 1);
  CHECK(bundle->signature_bytes() == "\x01\x02\x03");
  REQUIRE(bundle->tlog_entries.size() == 1);
  const TlogEntry &entry = bundle->tlog_entries[0];
  CHECK(entry.log_id == "\xc0\xd2\x3d\x6a");
  CHECK(entry.log_index == 7);
  CHECK(entry.integrated_time == 1700000000);
  CHECK(entry.kind == "hashedrekord");
  CHECK(entry.signed_entry_timestamp == std::string("\x04\x05"));
  auto bad_cert = parse_bundle(R"({"base64Signature":"AQID","cert":"bm90IGEgY2VydA=="})", "old.bundle");
  REQUIRE_FALSE(bad_cert.ok());
  CHECK(bad_cert.message().find("old.bundle: cert") != std::string::npos);
}
