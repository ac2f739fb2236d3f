#include "key_signatures.hpp"
#include "test_keys.hpp"

#include <doctest/doctest.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

using namespace relgate;
using namespace relgate::sig;

TEST_CASE("every key type verifies its own signature and rejects tampering")
{
  struct Case {
    const char *type;
    const char *param;
    const EVP_MD *md;
    const char *kind;
  };
  const Case cases[] = {
      {"EC", "P-256", EVP_sha256(), "ecdsa-p256"}, {"EC", "P-384", EVP_sha384(), "ecdsa-p384"},
      {"EC", "P-521", EVP_sha512(), "ecdsa-p521"}, {"ED25519", nullptr, nullptr, "ed25519"},
      {"RSA", nullptr, EVP_sha256(), "rsa-2048"},
  };
  for (const auto &c : cases) {
    CAPTURE(c.kind);
    auto key = test::generate(c.type, c.param);
    REQUIRE(key);
    PublicKey pub = test::public_of(key.get());
    CHECK(pub.kind_name() == c.kind);
    std::string signature = test::sign(key.get(), c.md, "payload");
    CHECK(verify_message_signature(pub, "payload", signature).ok());
    CHECK_FALSE(verify_message_signature(pub, "payloaD", signature).ok());
    CHECK_FALSE(verify_message_signature(pub, "payload", "").ok());
  }
}

TEST_CASE("prehashed verification reuses one digest; Ed25519 refuses a digest")
{
  auto key = test::generate("EC", "P-256");
  PublicKey pub = test::public_of(key.get());
  std::string signature = test::sign(key.get(), EVP_sha256(), "artifact bytes");
  CHECK(verify_digest_signature(pub, HashAlgorithm::sha256, hash_bytes(HashAlgorithm::sha256, "artifact bytes"),
                                signature)
            .ok());
  auto ed = test::generate("ED25519");
  PublicKey ed_pub = test::public_of(ed.get());
  auto refused = verify_digest_signature(ed_pub, HashAlgorithm::sha256, std::string(32, 'a'), std::string(64, 'b'));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.message().find("--artifact") != std::string::npos);
}

TEST_CASE("raw r||s (P1363) ECDSA signatures are accepted")
{
  auto key = test::generate("EC", "P-256");
  PublicKey pub = test::public_of(key.get());
  std::string der = test::sign(key.get(), EVP_sha256(), "hello");
  const unsigned char *cursor = bytes_ptr(der);
  ECDSA_SIG *parsed = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size()));
  REQUIRE(parsed != nullptr);
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(parsed), reinterpret_cast<unsigned char *>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(parsed), reinterpret_cast<unsigned char *>(raw.data()) + 32, 32);
  ECDSA_SIG_free(parsed);
  CHECK(verify_message_signature(pub, "hello", raw).ok());
  raw[10] ^= 1;
  CHECK_FALSE(verify_message_signature(pub, "hello", raw).ok());
  auto wrong_size = verify_message_signature(pub, "hello", std::string(63, 'x'));
  REQUIRE_FALSE(wrong_size.ok());
  CHECK(wrong_size.message().find("ASN.1") != std::string::npos);
}

TEST_CASE("RSA PSS signatures verify with the same key")
{
  auto key = test::generate("RSA");
  PublicKey pub = test::public_of(key.get());
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX *pctx = nullptr;
  EVP_DigestSignInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key.get());
  EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
  std::size_t length = 0;
  EVP_DigestSign(ctx.get(), nullptr, &length, bytes_ptr("m"), 1);
  std::string signature(length, '\0');
  EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length, bytes_ptr("m"), 1);
  signature.resize(length);
  CHECK(verify_message_signature(pub, "m", signature).ok());
}

TEST_CASE("signature files: base64 with newline, raw DER, empty, text")
{
  CHECK(*decode_signature_file("AAEC\n", "s") == std::string("\x00\x01\x02", 3));
  std::string der("\x30\x06\x02\x01\x01\x02\x01\x01", 8);
  CHECK(*decode_signature_file(der, "s") == der);
  auto empty = decode_signature_file(" \n", "sig.b64");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.message() == "sig.b64: signature file is empty");
  auto text = decode_signature_file("not a signature!", "sig.b64");
  REQUIRE_FALSE(text.ok());
  CHECK(text.message().find("neither base64 nor binary DER") != std::string::npos);
}

TEST_CASE("keys: PKCS#1 RSA PEM, key hint, refused private keys and curves")
{
  auto rsa = test::generate("RSA");
  BIO *bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, rsa.get());
  BIO_free(bio);
  auto ec = test::generate("EC", "P-256");
  PublicKey pub = test::public_of(ec.get());
  CHECK(pub.hint().size() == 44); // base64 of 32 bytes
  auto der = parse_public_key_der(pub.spki_der(), "der");
  REQUIRE(der.ok());
  CHECK(der->hint() == pub.hint());
  auto k1 = test::generate("EC", "secp256k1");
  auto refused = parse_public_key_pem(test::public_pem(k1.get()), "k1.pub");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.message().find("unsupported EC curve") != std::string::npos);
  auto private_key = parse_public_key_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "k.pem");
  REQUIRE_FALSE(private_key.ok());
  CHECK(private_key.message().find("pass the public key") != std::string::npos);
}
