#include "checkpoint.hpp"
#include "encoding.hpp"
#include "merkle_proof.hpp"
#include "rekor_set.hpp"
#include "test_keys.hpp"
#include "trusted_root.hpp"

#include <doctest/doctest.h>

#include <functional>

using namespace relgate;
using namespace relgate::sig;

namespace
{

// RFC 6962 §2.1 reference: MTH and PATH, written recursively.
std::size_t split_point(std::size_t n)
{
  std::size_t k = 1;
  while (k * 2 < n)
    k *= 2;
  return k;
}

std::string tree_hash(const std::vector<std::string> &leaves, std::size_t begin, std::size_t end)
{
  if (end - begin == 1)
    return merkle_leaf_hash(leaves[begin]);
  std::size_t k = split_point(end - begin);
  return merkle_node_hash(tree_hash(leaves, begin, begin + k), tree_hash(leaves, begin + k, end));
}

std::vector<std::string> audit_path(const std::vector<std::string> &leaves, std::size_t m, std::size_t begin,
                                    std::size_t end)
{
  if (end - begin == 1)
    return {};
  std::size_t k = split_point(end - begin);
  std::vector<std::string> path;
  if (m < k) {
    path = audit_path(leaves, m, begin, begin + k);
    path.push_back(tree_hash(leaves, begin + k, end));
  } else {
    path = audit_path(leaves, m - k, begin + k, end);
    path.push_back(tree_hash(leaves, begin, begin + k));
  }
  return path;
}

} // namespace

TEST_CASE("inclusion proofs verify for every leaf of trees of size 1..33")
{
  for (std::size_t size = 1; size <= 33; ++size) {
    std::vector<std::string> leaves;
    for (std::size_t i = 0; i < size; ++i)
      leaves.push_back("entry-" + std::to_string(i));
    std::string root = tree_hash(leaves, 0, size);
    for (std::size_t index = 0; index < size; ++index) {
      CAPTURE(size);
      CAPTURE(index);
      auto proof = audit_path(leaves, index, 0, size);
      std::string leaf = merkle_leaf_hash(leaves[index]);
      CHECK(verify_inclusion(static_cast<int64_t>(index), static_cast<int64_t>(size), leaf, proof, root).ok());
      if (!proof.empty()) {
        auto corrupted = proof;
        corrupted[0][5] ^= 1;
        CHECK_FALSE(
            verify_inclusion(static_cast<int64_t>(index), static_cast<int64_t>(size), leaf, corrupted, root).ok());
        auto longer = proof;
        longer.push_back(std::string(32, 'x'));
        CHECK_FALSE(verify_inclusion(static_cast<int64_t>(index), static_cast<int64_t>(size), leaf, longer, root).ok());
        auto shorter = proof;
        shorter.pop_back();
        CHECK_FALSE(
            verify_inclusion(static_cast<int64_t>(index), static_cast<int64_t>(size), leaf, shorter, root).ok());
      }
    }
  }
  CHECK_FALSE(verify_inclusion(5, 5, std::string(32, 'a'), {}, std::string(32, 'a')).ok());
  auto differs = verify_inclusion(0, 1, std::string(32, 'a'), {}, std::string(32, 'b'));
  REQUIRE_FALSE(differs.ok());
  CHECK(differs.message().find("root hash differs") != std::string::npos);
}

TEST_CASE("checkpoints: log line found among witness lines, bad signatures refused")
{
  auto key = test::generate("ED25519");
  PublicKey pub = test::public_of(key.get());
  std::string log_id = sha256_bytes(pub.spki_der());
  std::string root(32, 'r');
  std::string body = "log.example.dev\n42\n" + base64_encode(root) + "\n";
  std::string good = base64_encode(log_id.substr(0, 4) + test::sign(key.get(), nullptr, body));
  std::string witness = base64_encode(std::string("\x01\x02\x03\x04", 4) + std::string(72, 'w'));
  std::string note =
      body + "\n\xE2\x80\x94 witness.example " + witness + "\n\xE2\x80\x94 log.example.dev " + good + "\n";
  auto checkpoint = parse_checkpoint(note);
  REQUIRE(checkpoint.ok());
  CHECK(checkpoint->origin == "log.example.dev");
  CHECK(checkpoint->tree_size == 42);
  CHECK(checkpoint->root_hash == root);
  CHECK(checkpoint->signatures.size() == 2);
  CHECK(verify_checkpoint_signature(*checkpoint, pub, log_id).ok());

  std::string forged = base64_encode(log_id.substr(0, 4) + std::string(64, 'f'));
  auto bad = parse_checkpoint(body + "\n\xE2\x80\x94 log.example.dev " + forged + "\n");
  REQUIRE(bad.ok());
  CHECK_FALSE(verify_checkpoint_signature(*bad, pub, log_id).ok());
  auto only_witness = parse_checkpoint(body + "\n\xE2\x80\x94 witness.example " + witness + "\n");
  REQUIRE(only_witness.ok());
  auto unsigned_by_log = verify_checkpoint_signature(*only_witness, pub, log_id);
  REQUIRE_FALSE(unsigned_by_log.ok());
  CHECK(unsigned_by_log.message().find("no signature from the log") != std::string::npos);

  CHECK_FALSE(parse_checkpoint("42\n" + base64_encode(root) + "\n\n\xE2\x80\x94 a " + good + "\n").ok());
  CHECK_FALSE(parse_checkpoint(body + "\n").ok());
  CHECK_FALSE(parse_checkpoint("log\nmany\n" + base64_encode(root) + "\n\n\xE2\x80\x94 a " + good + "\n").ok());
}

TEST_CASE("Rekor SET payload is RFC 8785 JSON and verifies with the log key")
{
  std::string log_id("\xab\xcd", 2);
  CHECK(rekor_set_payload("Ym9keQ==", 1689177396, log_id, 27246492) ==
        R"({"body":"Ym9keQ==","integratedTime":1689177396,"logID":"abcd","logIndex":27246492})");
  auto key = test::generate("EC", "P-256");
  PublicKey pub = test::public_of(key.get());
  std::string set = test::sign(key.get(), EVP_sha256(), rekor_set_payload("Ym9keQ==", 7, log_id, 9));
  CHECK(verify_signed_entry_timestamp(pub, set, "Ym9keQ==", 7, log_id, 9).ok());
  CHECK_FALSE(verify_signed_entry_timestamp(pub, set, "Ym9keQ==", 8, log_id, 9).ok());
}

TEST_CASE("trusted root validity: closed interval, start required, null end open")
{
  TimeRange range{100, 200};
  CHECK(range.contains(100));
  CHECK(range.contains(200));
  CHECK_FALSE(range.contains(201));
  CHECK_FALSE(range.contains(99));
  auto key = test::generate("EC", "P-256");
  std::string der = base64_encode(test::public_of(key.get()).spki_der());
  auto root_with = [&](const std::string &valid_for) {
    return R"({"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[{"baseUrl":"https://log",)"
           R"("hashAlgorithm":"SHA2_256","publicKey":{"rawBytes":")" +
           der + R"(","keyDetails":"PKIX_ECDSA_P256_SHA_256",)" + valid_for + R"(},"logId":{"keyId":"AAAA"}}]})";
  };
  auto open_end =
      parse_trusted_root(root_with(R"("validFor":{"start":"2021-01-01T00:00:00Z","end":null})"), "root.json");
  REQUIRE(open_end.ok());
  CHECK_FALSE(open_end->tlogs[0].valid_for.end.has_value());
  // Keys stay DER until used: the framing is checked up front, the key itself on first use.
  auto not_der = parse_trusted_root(
      root_with(R"("validFor":{"start":"2021-01-01T00:00:00Z"})").replace(root_with("").find(der), der.size(), "AAAA"),
      "root.json");
  REQUIRE_FALSE(not_der.ok());
  CHECK(not_der.message().find("tlogs[0].publicKey.rawBytes: not a DER public key") != std::string::npos);
  auto not_key = parse_trusted_root(
      root_with(R"("validFor":{"start":"2021-01-01T00:00:00Z"})").replace(root_with("").find(der), der.size(), "MAA="),
      "root.json");
  REQUIRE(not_key.ok());
  auto decoded = not_key->tlogs[0].public_key();
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.message().find("root.json: tlogs[0].publicKey.rawBytes") != std::string::npos);
  REQUIRE(open_end->tlogs[0].public_key().ok());
  CHECK((*open_end->tlogs[0].public_key())->kind == KeyKind::ecdsa_p256);
  auto no_start = parse_trusted_root(root_with(R"("validFor":{"end":"2030-01-01T00:00:00Z"})"), "root.json");
  REQUIRE_FALSE(no_start.ok());
  CHECK(no_start.message().find("validFor.start: missing") != std::string::npos);
}
