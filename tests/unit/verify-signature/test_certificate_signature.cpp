// The chain walk with Nettle's P-384 (certificate_signature.cpp) against OpenSSL's own: the same
// result, error and depth for good chains and for every way a chain fails that walk.
#include "certificate_signature.hpp"
#include "test_keys.hpp"

#include <doctest/doctest.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <string>

using namespace relgate;
using namespace relgate::sig;

namespace
{

constexpr std::time_t verify_at = 1700000000;

struct CertSpec {
  EVP_PKEY *key = nullptr;    // the certificate's own key
  EVP_PKEY *signer = nullptr; // null: self-signed
  X509 *issuer = nullptr;     // null: self-signed
  std::string name;           // CN
  bool ca = false;
  std::string key_usage; // keyUsage extension value, "" for none
  long from = -3600;     // notBefore, seconds from verify_at
  long until = 3600;     // notAfter, seconds from verify_at
  const EVP_MD *md = EVP_sha384();
};

void add_extension(X509 *cert, X509 *issuer, int nid, const std::string &value)
{
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION *extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  REQUIRE(extension != nullptr);
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

X509Ptr make_cert(const CertSpec &spec)
{
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
  X509_NAME *name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(spec.name.c_str()), -1,
                             -1, 0);
  X509 *issuer = spec.issuer != nullptr ? spec.issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer));
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), verify_at + spec.from);
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), verify_at + spec.until);
  X509_set_pubkey(cert.get(), spec.key);
  add_extension(cert.get(), issuer, NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (!spec.key_usage.empty())
    add_extension(cert.get(), issuer, NID_key_usage, "critical," + spec.key_usage);
  add_extension(cert.get(), issuer, NID_subject_key_identifier, "hash");
  if (spec.issuer != nullptr)
    add_extension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  REQUIRE(X509_sign(cert.get(), spec.signer != nullptr ? spec.signer : spec.key, spec.md) > 0);
  return cert;
}

// A copy of `cert` with one byte of its DER changed at `offset` (negative: from the end).
X509Ptr with_byte_flipped(X509 *cert, long offset)
{
  std::string der = certificate_der(cert);
  std::size_t at = offset >= 0 ? static_cast<std::size_t>(offset) : der.size() - static_cast<std::size_t>(-offset);
  der[at] = static_cast<char>(der[at] ^ 0x01);
  const unsigned char *cursor = bytes_ptr(der);
  X509Ptr copy(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  REQUIRE(copy);
  return copy;
}

X509Ptr with_subject_changed(X509 *cert, const std::string &name)
{
  std::string der = certificate_der(cert);
  std::size_t at = der.rfind(name);
  REQUIRE(at != std::string::npos);
  return with_byte_flipped(cert, static_cast<long>(at));
}

std::string der_header(unsigned char tag, std::size_t length)
{
  std::string out(1, static_cast<char>(tag));
  if (length < 0x80)
    return out + static_cast<char>(length);
  if (length < 0x100)
    return out + '\x81' + static_cast<char>(length);
  return out + '\x82' + static_cast<char>(length >> 8) + static_cast<char>(length & 0xff);
}

// The TBSCertificate of a DER certificate (its first element).
std::string tbs_der(X509 *cert)
{
  std::string der = certificate_der(cert);
  const unsigned char *cursor = bytes_ptr(der);
  long length = 0;
  int tag = 0;
  int xclass = 0;
  ASN1_get_object(&cursor, &length, &tag, &xclass, static_cast<long>(der.size()));
  const unsigned char *start = cursor;
  ASN1_get_object(&cursor, &length, &tag, &xclass, length);
  return std::string(reinterpret_cast<const char *>(start), static_cast<std::size_t>(cursor + length - start));
}

// A certificate from its parts: TBS, outer signature algorithm (DER) and signature BIT STRING.
X509Ptr assemble(const std::string &tbs, const std::string &algorithm, const std::string &signature,
                 unsigned char unused_bits = 0)
{
  std::string bits = der_header(0x03, signature.size() + 1) + static_cast<char>(unused_bits) + signature;
  std::string body = tbs + algorithm + bits;
  std::string der = der_header(0x30, body.size()) + body;
  const unsigned char *cursor = bytes_ptr(der);
  X509Ptr cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  REQUIRE(cert);
  return cert;
}

std::string sign_sha384(EVP_PKEY *key, const std::string &data)
{
  return test::sign(key, EVP_sha384(), data);
}

const std::string ecdsa_with_sha384("\x30\x0a\x06\x08\x2a\x86\x48\xce\x3d\x04\x03\x03", 12);

struct Outcome {
  int result = 0;
  int error = 0;
  int depth = 0;
};

Outcome verify_chain(X509 *leaf, X509 *anchor, bool nettle)
{
  X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), anchor);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr);
  if (nettle)
    use_nettle_p384_for_chain(ctx.get());
  X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, verify_at);
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  Outcome outcome;
  outcome.result = X509_verify_cert(ctx.get());
  outcome.error = X509_STORE_CTX_get_error(ctx.get());
  outcome.depth = X509_STORE_CTX_get_error_depth(ctx.get());
  ERR_clear_error();
  return outcome;
}

// Both walks give the same outcome, and it is `expected_error` (X509_V_OK: verified).
void check_both(X509 *leaf, X509 *anchor, int expected_error)
{
  Outcome openssl = verify_chain(leaf, anchor, false);
  Outcome nettle = verify_chain(leaf, anchor, true);
  CHECK(openssl.error == expected_error);
  CHECK(openssl.result == (expected_error == X509_V_OK ? 1 : 0));
  CHECK(nettle.result == openssl.result);
  CHECK(nettle.error == openssl.error);
  CHECK(nettle.depth == openssl.depth);
  EVP_PKEY *anchor_key = X509_get0_pubkey(anchor);
  CHECK(certificate_signed_by(leaf, anchor) == (X509_verify(leaf, anchor_key) == 1));
  ERR_clear_error();
}

struct Keys {
  PkeyPtr ca384 = test::generate("EC", "P-384");
  PkeyPtr other384 = test::generate("EC", "P-384");
  PkeyPtr ca256 = test::generate("EC", "P-256");
  PkeyPtr leaf = test::generate("EC", "P-256");
};

X509Ptr make_ca(EVP_PKEY *key, const std::string &usage = "keyCertSign,cRLSign", long from = -7200, long until = 7200)
{
  CertSpec spec;
  spec.key = key;
  spec.name = "test CA";
  spec.ca = true;
  spec.key_usage = usage;
  spec.from = from;
  spec.until = until;
  return make_cert(spec);
}

X509Ptr make_leaf(EVP_PKEY *key, EVP_PKEY *signer, X509 *issuer, const EVP_MD *md = EVP_sha384(), long from = -3600,
                  long until = 3600)
{
  CertSpec spec;
  spec.key = key;
  spec.signer = signer;
  spec.issuer = issuer;
  spec.name = "leaf certificate";
  spec.key_usage = "digitalSignature";
  spec.md = md;
  spec.from = from;
  spec.until = until;
  return make_cert(spec);
}

} // namespace

TEST_CASE("chain walk: a P-384 CA's ecdsa-with-SHA384 signature verifies as with OpenSSL alone")
{
  Keys keys;
  auto ca = make_ca(keys.ca384.get());
  auto leaf = make_leaf(keys.leaf.get(), keys.ca384.get(), ca.get());
  check_both(leaf.get(), ca.get(), X509_V_OK);
  CHECK(certificate_signed_by(leaf.get(), ca.get()));
}

TEST_CASE("chain walk: a changed signature or TBS, or another CA key, fails as with OpenSSL alone")
{
  Keys keys;
  auto ca = make_ca(keys.ca384.get());
  auto leaf = make_leaf(keys.leaf.get(), keys.ca384.get(), ca.get());
  auto bad_signature = with_byte_flipped(leaf.get(), -1); // the last byte of s
  check_both(bad_signature.get(), ca.get(), X509_V_ERR_CERT_SIGNATURE_FAILURE);
  CHECK_FALSE(certificate_signed_by(bad_signature.get(), ca.get()));
  auto bad_tbs = with_subject_changed(leaf.get(), "leaf certificate");
  check_both(bad_tbs.get(), ca.get(), X509_V_ERR_CERT_SIGNATURE_FAILURE);
  // Same name and key identifier shape, another key: the leaf is signed by the other one.
  auto impostor_ca = make_ca(keys.other384.get());
  auto impostor_leaf = make_leaf(keys.leaf.get(), keys.other384.get(), impostor_ca.get());
  CHECK_FALSE(certificate_signed_by(impostor_leaf.get(), ca.get()));
  Outcome openssl = verify_chain(impostor_leaf.get(), ca.get(), false);
  CHECK(openssl.result == 0);
  check_both(impostor_leaf.get(), ca.get(), openssl.error);
}

TEST_CASE("chain walk: validity at the pinned time, of the leaf and of the anchor, as with OpenSSL alone")
{
  Keys keys;
  auto ca = make_ca(keys.ca384.get());
  auto expired = make_leaf(keys.leaf.get(), keys.ca384.get(), ca.get(), EVP_sha384(), -7000, -10);
  check_both(expired.get(), ca.get(), X509_V_ERR_CERT_HAS_EXPIRED);
  auto early = make_leaf(keys.leaf.get(), keys.ca384.get(), ca.get(), EVP_sha384(), 10, 7000);
  check_both(early.get(), ca.get(), X509_V_ERR_CERT_NOT_YET_VALID);
  auto old_ca = make_ca(keys.ca384.get(), "keyCertSign,cRLSign", -9000, -5);
  auto leaf_of_old = make_leaf(keys.leaf.get(), keys.ca384.get(), old_ca.get());
  check_both(leaf_of_old.get(), old_ca.get(), X509_V_ERR_CERT_HAS_EXPIRED);
  // An expired leaf with a bad signature: the signature is reported first, as OpenSSL does.
  auto expired_and_bad = with_byte_flipped(expired.get(), -1);
  check_both(expired_and_bad.get(), ca.get(), X509_V_ERR_CERT_SIGNATURE_FAILURE);
}

TEST_CASE("chain walk: a CA whose key usage forbids certificate signing fails as with OpenSSL alone")
{
  Keys keys;
  auto ca = make_ca(keys.ca384.get(), "digitalSignature");
  auto leaf = make_leaf(keys.leaf.get(), keys.ca384.get(), ca.get());
  Outcome openssl = verify_chain(leaf.get(), ca.get(), false);
  CHECK(openssl.result == 0);
  check_both(leaf.get(), ca.get(), openssl.error);
}

TEST_CASE("chain walk: other algorithms are OpenSSL's own, with the same answers")
{
  Keys keys;
  auto ca256 = make_ca(keys.ca256.get());
  auto leaf256 = make_leaf(keys.leaf.get(), keys.ca256.get(), ca256.get(), EVP_sha256());
  check_both(leaf256.get(), ca256.get(), X509_V_OK);
  check_both(with_byte_flipped(leaf256.get(), -1).get(), ca256.get(), X509_V_ERR_CERT_SIGNATURE_FAILURE);
  // P-384 with SHA-512 and SHA-256: not the Nettle case (ecdsa-with-SHA384 only).
  auto ca384 = make_ca(keys.ca384.get());
  for (const EVP_MD *md : {EVP_sha512(), EVP_sha256()}) {
    CAPTURE(EVP_MD_get0_name(md));
    auto leaf = make_leaf(keys.leaf.get(), keys.ca384.get(), ca384.get(), md);
    check_both(leaf.get(), ca384.get(), X509_V_OK);
    check_both(with_byte_flipped(leaf.get(), -1).get(), ca384.get(), X509_V_ERR_CERT_SIGNATURE_FAILURE);
  }
  // An RSA CA.
  auto rsa = test::generate("RSA");
  auto rsa_ca = make_ca(rsa.get());
  auto rsa_leaf = make_leaf(keys.leaf.get(), rsa.get(), rsa_ca.get(), EVP_sha384());
  check_both(rsa_leaf.get(), rsa_ca.get(), X509_V_OK);
  check_both(with_byte_flipped(rsa_leaf.get(), -1).get(), rsa_ca.get(), X509_V_ERR_CERT_SIGNATURE_FAILURE);
}

TEST_CASE("chain walk: X509_verify's own refusals (algorithm fields differ, unused signature bits) hold")
{
  Keys keys;
  auto ca = make_ca(keys.ca384.get());
  // A valid SHA-384 signature over a TBS that names ecdsa-with-SHA512: the fields differ.
  auto sha512_leaf = make_leaf(keys.leaf.get(), keys.ca384.get(), ca.get(), EVP_sha512());
  std::string tbs512 = tbs_der(sha512_leaf.get());
  auto mixed = assemble(tbs512, ecdsa_with_sha384, sign_sha384(keys.ca384.get(), tbs512));
  check_both(mixed.get(), ca.get(), X509_V_ERR_CERT_SIGNATURE_FAILURE);
  CHECK_FALSE(certificate_signed_by(mixed.get(), ca.get()));

  // The same parts reassembled are a valid certificate (the helper itself is sound).
  auto leaf = make_leaf(keys.leaf.get(), keys.ca384.get(), ca.get());
  std::string tbs = tbs_der(leaf.get());
  std::string signature = sign_sha384(keys.ca384.get(), tbs);
  check_both(assemble(tbs, ecdsa_with_sha384, signature).get(), ca.get(), X509_V_OK);
  // A BIT STRING claiming unused bits: OpenSSL refuses it even when the bits are zero.
  for (int attempt = 0; attempt < 64 && (static_cast<unsigned char>(signature.back()) & 0x01) != 0; ++attempt)
    signature = sign_sha384(keys.ca384.get(), tbs);
  REQUIRE((static_cast<unsigned char>(signature.back()) & 0x01) == 0);
  auto unused = assemble(tbs, ecdsa_with_sha384, signature, 1);
  check_both(unused.get(), ca.get(), X509_V_ERR_CERT_SIGNATURE_FAILURE);
  CHECK_FALSE(certificate_signed_by(unused.get(), ca.get()));
}
