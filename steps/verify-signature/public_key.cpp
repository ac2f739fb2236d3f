#include "public_key.hpp"

#include "ec_spki.hpp"
#include "encoding.hpp"

#include <openssl/core_names.h>
#include <openssl/pem.h>

namespace relgate::sig
{

std::string PublicKey::kind_name() const
{
  switch (kind) {
  case KeyKind::ecdsa_p256:
    return "ecdsa-p256";
  case KeyKind::ecdsa_p384:
    return "ecdsa-p384";
  case KeyKind::ecdsa_p521:
    return "ecdsa-p521";
  case KeyKind::ed25519:
    return "ed25519";
  case KeyKind::rsa:
    return "rsa-" + std::to_string(bits);
  }
  return "unknown";
}

const std::string &PublicKey::spki_der() const
{
  if (spki_cache.empty()) {
    unsigned char *out = nullptr;
    int length = i2d_PUBKEY(pkey.get(), &out);
    if (length > 0)
      spki_cache.assign(reinterpret_cast<char *>(out), static_cast<std::size_t>(length));
    OPENSSL_free(out);
  }
  return spki_cache;
}

std::string PublicKey::hint() const
{
  return base64_encode(sha256_bytes(spki_der()));
}

std::optional<HashAlgorithm> default_hash_for(KeyKind kind)
{
  switch (kind) {
  case KeyKind::ecdsa_p384:
    return HashAlgorithm::sha384;
  case KeyKind::ecdsa_p521:
    return HashAlgorithm::sha512;
  case KeyKind::ed25519:
    return std::nullopt;
  default:
    return HashAlgorithm::sha256;
  }
}

Result<PublicKey> public_key_from_pkey(PkeyPtr pkey, const std::string &source)
{
  PublicKey key;
  key.bits = EVP_PKEY_get_bits(pkey.get());
  switch (EVP_PKEY_get_base_id(pkey.get())) {
  case EVP_PKEY_ED25519:
    key.kind = KeyKind::ed25519;
    break;
  case EVP_PKEY_RSA:
    key.kind = KeyKind::rsa;
    if (key.bits < 2048) {
      return make_error(source + ": RSA key of " + std::to_string(key.bits) +
                        " bits is too weak; use at least 2048 bits");
    }
    break;
  case EVP_PKEY_EC: {
    char curve[64] = {};
    std::size_t length = 0;
    if (!EVP_PKEY_get_utf8_string_param(pkey.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve, &length)) {
      return make_error(source + ": EC key without a named curve");
    }
    std::string name(curve, length);
    if (name == "prime256v1" || name == "P-256")
      key.kind = KeyKind::ecdsa_p256;
    else if (name == "secp384r1" || name == "P-384")
      key.kind = KeyKind::ecdsa_p384;
    else if (name == "secp521r1" || name == "P-521")
      key.kind = KeyKind::ecdsa_p521;
    else {
      return make_error(source + ": unsupported EC curve " + name + "; cosign keys use P-256, P-384 or P-521");
    }
    break;
  }
  default:
    return make_error(source + ": unsupported key type (" + std::string(OBJ_nid2sn(EVP_PKEY_get_base_id(pkey.get()))) +
                      "); expected ECDSA P-256/384/521, Ed25519 or RSA");
  }
  key.pkey = std::move(pkey);
  return key;
}

namespace
{

// A DER SPKI as an EVP_PKEY, or null: P-256/384/521 keys through the fast import, every other
// key (and any EC key in another encoding) through d2i_PUBKEY, which must consume all bytes.
PkeyPtr decode_spki(std::string_view der)
{
  if (auto ec = decode_named_curve_spki(der))
    return ec;
  const unsigned char *cursor = bytes_ptr(der);
  PkeyPtr pkey(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size())));
  if (pkey && cursor != bytes_ptr(der) + der.size())
    pkey.reset();
  return pkey;
}

} // namespace

Result<PublicKey> parse_public_key_der(std::string_view der, const std::string &source)
{
  PkeyPtr pkey = decode_spki(der);
  if (pkey) {
    RELGATE_ASSIGN_OR_RETURN(auto key, public_key_from_pkey(std::move(pkey), source));
    key.spki_cache = std::string(der);
    return key;
  }
  const unsigned char *cursor = bytes_ptr(der);
  pkey.reset(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &cursor, static_cast<long>(der.size())));
  if (!pkey || cursor != bytes_ptr(der) + der.size()) {
    openssl_errors();
    return make_error(source + ": not a DER public key (SPKI or PKCS#1 RSA)");
  }
  return public_key_from_pkey(std::move(pkey), source);
}

Result<PublicKey> parse_public_key_pem(std::string_view pem, const std::string &source)
{
  if (pem.find("-----BEGIN ") == std::string_view::npos) {
    return make_error(source + ": no PEM block found; expected '-----BEGIN PUBLIC KEY-----' "
                               "(cosign public key, e.g. cosign.pub)");
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  char *name = nullptr;
  char *header = nullptr;
  unsigned char *data = nullptr;
  long length = 0;
  if (PEM_read_bio(bio.get(), &name, &header, &data, &length) != 1) {
    openssl_errors();
    return make_error(source + ": malformed PEM (bad base64 or missing END line)");
  }
  std::string label = name;
  std::string der(reinterpret_cast<char *>(data), static_cast<std::size_t>(length));
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  if (label.find("PRIVATE KEY") != std::string::npos) {
    return make_error(source + ": holds a " + label +
                      "; pass the public key (e.g. cosign public-key --key ... > cosign.pub)");
  }
  if (label == "CERTIFICATE") {
    return make_error(source + ": holds a certificate; pass its public key (openssl x509 -pubkey "
                               "-noout) or verify a bundle with --trusted-root");
  }
  if (label == "PUBLIC KEY") {
    PkeyPtr pkey = decode_spki(der);
    if (!pkey) {
      openssl_errors();
      return make_error(source + ": PUBLIC KEY block is not a valid SubjectPublicKeyInfo");
    }
    RELGATE_ASSIGN_OR_RETURN(auto key, public_key_from_pkey(std::move(pkey), source));
    key.spki_cache = der;
    return key;
  }
  if (label == "RSA PUBLIC KEY") {
    const unsigned char *cursor = bytes_ptr(der);
    PkeyPtr pkey(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &cursor, static_cast<long>(der.size())));
    if (!pkey || cursor != bytes_ptr(der) + der.size()) {
      openssl_errors();
      return make_error(source + ": RSA PUBLIC KEY block is not a valid PKCS#1 key");
    }
    return public_key_from_pkey(std::move(pkey), source);
  }
  return make_error(source + ": PEM block '" + label + "' is not a public key; expected PUBLIC KEY or RSA PUBLIC KEY");
}

Result<PublicKey> parse_public_key_file(std::string_view content, const std::string &source)
{
  bool binary_der =
      !content.empty() && content.front() == 0x30 && content.find("-----BEGIN ") == std::string_view::npos;
  if (binary_der)
    return parse_public_key_der(content, source);
  return parse_public_key_pem(content, source);
}

} // namespace relgate::sig
