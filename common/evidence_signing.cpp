// Record signatures with OpenSSL 3 EVP: Ed25519, or ECDSA P-256 over SHA-256 (DER signature,
// as cosign writes them). A signature covers record_signed_bytes, never prev, so it survives merge.
#include "evidence.hpp"

#include "digest.hpp"
#include "encoding.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace relgate
{
namespace
{

struct PkeyDeleter {
  void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
};
struct BioDeleter {
  void operator()(BIO *bio) const { BIO_free(bio); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX *ctx) const { EVP_MD_CTX_free(ctx); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// Never prompt on a terminal for a passphrase: an encrypted key is simply refused.
int refuse_passphrase(char *, int, int, void *)
{
  return -1;
}

std::string openssl_reason()
{
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0)
    return "no PEM key found";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

// "ed25519", "ecdsa-p256-sha256", or "" for a key type relgate does not sign with.
std::string key_algorithm(EVP_PKEY *key)
{
  if (EVP_PKEY_is_a(key, "ED25519"))
    return "ed25519";
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length) == 1 &&
        (std::string_view(group) == "prime256v1" || std::string_view(group) == "P-256")) {
      return "ecdsa-p256-sha256";
    }
  }
  return "";
}

std::string key_id_of(EVP_PKEY *key)
{
  unsigned char *der = nullptr;
  int length = i2d_PUBKEY(key, &der);
  if (length <= 0)
    return "";
  std::string id = "sha256:" + sha256_hex(std::string_view(reinterpret_cast<char *>(der), length));
  OPENSSL_free(der);
  return id;
}

Result<PkeyPtr> read_key(const std::string &pem, const std::string &source, bool is_private)
{
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio)
    return make_error(source + ": out of memory reading the key");
  ERR_clear_error();
  PkeyPtr key(is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr)
                         : PEM_read_bio_PUBKEY(bio.get(), nullptr, refuse_passphrase, nullptr));
  if (!key) {
    const char *expected = is_private ? "an unencrypted PEM private key (BEGIN PRIVATE KEY), Ed25519 or "
                                        "ECDSA P-256, e.g. from `openssl genpkey -algorithm ed25519`"
                                      : "a PEM public key (BEGIN PUBLIC KEY), Ed25519 or ECDSA P-256, e.g. "
                                        "from `openssl pkey -in key.pem -pubout`";
    return make_error(source + ": not a usable key: " + openssl_reason() + " (expected " + expected + ")");
  }
  if (key_algorithm(key.get()).empty()) {
    return make_error(source + ": key type is not supported for evidence signing (use Ed25519 or ECDSA P-256)");
  }
  return key;
}

const EVP_MD *digest_for(const std::string &algorithm)
{
  // Ed25519 hashes internally and takes no digest.
  return algorithm == "ed25519" ? nullptr : EVP_sha256();
}

} // namespace

Result<RecordSignature> sign_record(const EvidenceRecord &record, const std::string &private_key_pem,
                                    const std::string &key_source_name)
{
  RELGATE_ASSIGN_OR_RETURN(PkeyPtr key, read_key(private_key_pem, key_source_name, true));
  RecordSignature signature;
  signature.algorithm = key_algorithm(key.get());
  signature.key_id = key_id_of(key.get());

  const std::string message = record_signed_bytes(record);
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  size_t length = 0;
  const auto *data = reinterpret_cast<const unsigned char *>(message.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, digest_for(signature.algorithm), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, data, message.size()) != 1) {
    return make_error(key_source_name + ": signing failed: " + openssl_reason());
  }
  std::string raw(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(raw.data()), &length, data, message.size()) != 1) {
    return make_error(key_source_name + ": signing failed: " + openssl_reason());
  }
  raw.resize(length);
  signature.value = base64_encode(raw);
  return signature;
}

Result<std::string> public_key_id(const std::string &public_key_pem, const std::string &key_source_name)
{
  RELGATE_ASSIGN_OR_RETURN(PkeyPtr key, read_key(public_key_pem, key_source_name, false));
  return key_id_of(key.get());
}

bool verify_record_signature(const EvidenceRecord &record, const std::string &public_key_pem)
{
  if (!record.signature)
    return false;
  auto key = read_key(public_key_pem, "key", false);
  if (!key)
    return false;
  const std::string algorithm = key_algorithm(key->get());
  if (algorithm != record.signature->algorithm || key_id_of(key->get()) != record.signature->key_id) {
    return false;
  }
  auto raw = base64_decode(record.signature->value);
  if (!raw)
    return false;
  const std::string message = record_signed_bytes(record);
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  bool valid = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(algorithm), nullptr, key->get()) == 1 &&
               EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(raw->data()), raw->size(),
                                reinterpret_cast<const unsigned char *>(message.data()), message.size()) == 1;
  ERR_clear_error();
  return valid;
}

} // namespace relgate
