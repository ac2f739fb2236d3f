// Nettle's P-384 ECDSA (ecdsa_p384.cpp) against OpenSSL's, the second crypto path proven
// equivalent: every signature, valid or corrupted, gets the same answer from both, and the
// expected one.
#include "ecdsa_p384.hpp"
#include "test_keys.hpp"

#include <doctest/doctest.h>
#include <openssl/core_names.h>
#include <openssl/err.h>

#include <string>
#include <vector>

using namespace relgate;
using namespace relgate::sig;

namespace
{

constexpr const char *p384_order =
    "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973";

using BignumPtr = std::unique_ptr<BIGNUM, OsslFree<BN_free>>;

BignumPtr bignum_hex(const char *hex)
{
  BIGNUM *value = nullptr;
  BN_hex2bn(&value, hex);
  return BignumPtr(value);
}

BignumPtr bignum_copy(const BIGNUM *value)
{
  return BignumPtr(BN_dup(value));
}

std::string point_of(EVP_PKEY *key)
{
  BIGNUM *x = nullptr;
  BIGNUM *y = nullptr;
  std::string point(96, '\0');
  REQUIRE(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1);
  REQUIRE(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1);
  BN_bn2binpad(x, reinterpret_cast<unsigned char *>(point.data()), 48);
  BN_bn2binpad(y, reinterpret_cast<unsigned char *>(point.data()) + 48, 48);
  BN_free(x);
  BN_free(y);
  return point;
}

// Signs a digest (no hashing by OpenSSL: the digest is what both verifiers see).
std::string sign_digest(EVP_PKEY *key, const std::string &digest)
{
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  REQUIRE(EVP_PKEY_sign_init(ctx.get()) == 1);
  std::size_t length = 0;
  REQUIRE(EVP_PKEY_sign(ctx.get(), nullptr, &length, bytes_ptr(digest), digest.size()) == 1);
  std::string signature(length, '\0');
  REQUIRE(EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length, bytes_ptr(digest),
                        digest.size()) == 1);
  signature.resize(length);
  return signature;
}

bool openssl_accepts(EVP_PKEY *key, const std::string &digest, const std::string &signature)
{
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key, nullptr));
  bool ok = EVP_PKEY_verify_init(ctx.get()) == 1 &&
            EVP_PKEY_verify(ctx.get(), bytes_ptr(signature), signature.size(), bytes_ptr(digest), digest.size()) == 1;
  ERR_clear_error();
  return ok;
}

// The DER of (r, s), as OpenSSL writes it.
std::string der_of(const BIGNUM *r, const BIGNUM *s)
{
  EcdsaSigPtr sig(ECDSA_SIG_new());
  REQUIRE(ECDSA_SIG_set0(sig.get(), BN_dup(r), BN_dup(s)) == 1);
  unsigned char *out = nullptr;
  int length = i2d_ECDSA_SIG(sig.get(), &out);
  REQUIRE(length > 0);
  std::string der(reinterpret_cast<char *>(out), static_cast<std::size_t>(length));
  OPENSSL_free(out);
  return der;
}

std::pair<BignumPtr, BignumPtr> r_and_s(const std::string &der)
{
  const unsigned char *cursor = bytes_ptr(der);
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  REQUIRE(sig);
  const BIGNUM *r = nullptr;
  const BIGNUM *s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  return {bignum_copy(r), bignum_copy(s)};
}

// Both verifiers answer `expected`.
void check_both(EVP_PKEY *key, const std::string &digest, const std::string &signature, bool expected)
{
  bool nettle = static_cast<bool>(verify_ecdsa_p384(point_of(key), digest, signature));
  bool openssl = openssl_accepts(key, digest, signature);
  CHECK(openssl == expected);
  CHECK(nettle == openssl);
}

std::string digest_of(const EVP_MD *md, const std::string &message)
{
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(message.data(), message.size(), out, &length, md, nullptr);
  return std::string(reinterpret_cast<char *>(out), length);
}

} // namespace

TEST_CASE("P-384: Nettle accepts every signature OpenSSL makes, over SHA-384, SHA-256 and SHA-512 digests")
{
  auto key = test::generate("EC", "P-384");
  REQUIRE(key);
  for (int i = 0; i < 40; ++i) {
    std::string message = "message " + std::to_string(i);
    for (const EVP_MD *md : {EVP_sha384(), EVP_sha256(), EVP_sha512()}) {
      CAPTURE(i);
      CAPTURE(EVP_MD_get0_name(md));
      std::string digest = digest_of(md, message);
      check_both(key.get(), digest, sign_digest(key.get(), digest), true);
    }
  }
}

TEST_CASE("P-384: a wrong digest, a wrong key or a changed r or s is refused by both")
{
  auto key = test::generate("EC", "P-384");
  auto other = test::generate("EC", "P-384");
  REQUIRE(key);
  REQUIRE(other);
  std::string digest = digest_of(EVP_sha384(), "artifact");
  std::string signature = sign_digest(key.get(), digest);
  check_both(key.get(), digest, signature, true);

  std::string flipped = digest;
  flipped[47] = static_cast<char>(flipped[47] ^ 0x01);
  check_both(key.get(), flipped, signature, false);
  check_both(key.get(), digest.substr(0, 47), signature, false);
  check_both(key.get(), digest + '\0', signature, true); // 49 bytes: both keep the leftmost 384 bits
  check_both(other.get(), digest, signature, false);

  auto [r, s] = r_and_s(signature);
  BignumPtr one = bignum_hex("1");
  BignumPtr r_plus(BN_new());
  BN_add(r_plus.get(), r.get(), one.get());
  check_both(key.get(), digest, der_of(r_plus.get(), s.get()), false);
  BignumPtr s_plus(BN_new());
  BN_add(s_plus.get(), s.get(), one.get());
  check_both(key.get(), digest, der_of(r.get(), s_plus.get()), false);
  check_both(key.get(), digest, der_of(s.get(), r.get()), false);
}

TEST_CASE("P-384: r and s outside 1..n-1 are refused by both; the high-S twin is valid in both")
{
  auto key = test::generate("EC", "P-384");
  REQUIRE(key);
  std::string digest = digest_of(EVP_sha384(), "range");
  auto [r, s] = r_and_s(sign_digest(key.get(), digest));
  BignumPtr n = bignum_hex(p384_order);
  BignumPtr zero = bignum_hex("0");

  // (r, n - s) is the same signature's other form: ECDSA accepts both (no low-S rule here).
  BignumPtr high_s(BN_new());
  BN_sub(high_s.get(), n.get(), s.get());
  check_both(key.get(), digest, der_of(r.get(), high_s.get()), true);

  check_both(key.get(), digest, der_of(zero.get(), s.get()), false);
  check_both(key.get(), digest, der_of(r.get(), zero.get()), false);
  check_both(key.get(), digest, der_of(n.get(), s.get()), false);
  check_both(key.get(), digest, der_of(r.get(), n.get()), false);
  // r + n and s + n: equal to r and s modulo n, still refused (both check the range first).
  BignumPtr r_wrapped(BN_new());
  BN_add(r_wrapped.get(), r.get(), n.get());
  check_both(key.get(), digest, der_of(r_wrapped.get(), s.get()), false);
  BignumPtr s_wrapped(BN_new());
  BN_add(s_wrapped.get(), s.get(), n.get());
  check_both(key.get(), digest, der_of(r.get(), s_wrapped.get()), false);
  // Values wider than the field.
  BignumPtr wide = bignum_hex("1000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                              "00000000000000000");
  check_both(key.get(), digest, der_of(wide.get(), s.get()), false);
  check_both(key.get(), digest, der_of(r.get(), wide.get()), false);
}

TEST_CASE("P-384: anything but the DER of the signature is refused by both")
{
  auto key = test::generate("EC", "P-384");
  REQUIRE(key);
  std::string digest = digest_of(EVP_sha384(), "encoding");
  std::string der = sign_digest(key.get(), digest);
  check_both(key.get(), digest, der, true);
  REQUIRE(static_cast<unsigned char>(der[0]) == 0x30);
  REQUIRE(static_cast<unsigned char>(der[1]) < 0x80);
  auto [r, s] = r_and_s(der);

  std::vector<std::pair<std::string, std::string>> malformed;
  malformed.emplace_back("empty", "");
  malformed.emplace_back("trailing byte", der + '\0');
  malformed.emplace_back("cut short", der.substr(0, der.size() - 1));
  malformed.emplace_back("only the header", der.substr(0, 2));
  // BER long-form length for a short sequence.
  malformed.emplace_back("long-form length", std::string("\x30\x81", 2) + der.substr(1));
  // Indefinite length with end-of-contents.
  malformed.emplace_back("indefinite length", std::string("\x30\x80", 2) + der.substr(2) + std::string(2, '\0'));
  malformed.emplace_back("SET instead of SEQUENCE", "\x31" + der.substr(1));
  // r as an INTEGER padded with a needless zero byte (before the one a set top bit needs).
  unsigned char r_bytes[49];
  int r_length = BN_bn2bin(r.get(), r_bytes);
  std::string r_content(reinterpret_cast<char *>(r_bytes), static_cast<std::size_t>(r_length));
  if ((r_bytes[0] & 0x80) != 0)
    r_content.insert(r_content.begin(), '\0');
  std::string padded_r = std::string("\x02", 1) + static_cast<char>(r_content.size() + 1) + '\0' + r_content;
  std::string s_part = der.substr(2 + 2 + static_cast<std::size_t>(static_cast<unsigned char>(der[3])));
  std::string padded_body = padded_r + s_part;
  malformed.emplace_back("padded r", "\x30" + std::string(1, static_cast<char>(padded_body.size())) + padded_body);
  // r negative: its top bit set without the sign byte.
  if ((r_bytes[0] & 0x80) == 0) {
    std::string negative_r = std::string("\x02", 1) + static_cast<char>(r_length) +
                             static_cast<char>(r_bytes[0] | 0x80) +
                             std::string(reinterpret_cast<char *>(r_bytes) + 1, static_cast<std::size_t>(r_length - 1));
    std::string body = negative_r + s_part;
    malformed.emplace_back("negative r", "\x30" + std::string(1, static_cast<char>(body.size())) + body);
  }
  // Raw r || s (P1363), which OpenSSL's verify refuses too (signature_verify.cpp converts it first).
  std::string raw(96, '\0');
  BN_bn2binpad(r.get(), reinterpret_cast<unsigned char *>(raw.data()), 48);
  BN_bn2binpad(s.get(), reinterpret_cast<unsigned char *>(raw.data()) + 48, 48);
  malformed.emplace_back("raw r||s", raw);
  for (const auto &[what, signature] : malformed) {
    CAPTURE(what);
    check_both(key.get(), digest, signature, false);
  }
}

TEST_CASE("P-384: a point off the curve or of the wrong size is an error, not a pass")
{
  auto key = test::generate("EC", "P-384");
  REQUIRE(key);
  std::string digest = digest_of(EVP_sha384(), "point");
  std::string signature = sign_digest(key.get(), digest);
  std::string point = point_of(key.get());
  REQUIRE(verify_ecdsa_p384(point, digest, signature));
  std::string moved = point;
  moved[95] = static_cast<char>(moved[95] ^ 0x01);
  auto off_curve = verify_ecdsa_p384(moved, digest, signature);
  REQUIRE_FALSE(off_curve);
  CHECK(off_curve.message() == "P-384 public key is not on the curve");
  CHECK_FALSE(verify_ecdsa_p384(point.substr(1), digest, signature));
  CHECK_FALSE(verify_ecdsa_p384(std::string(96, '\0'), digest, signature));
}
