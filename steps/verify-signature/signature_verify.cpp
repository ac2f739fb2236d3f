#include "signature_verify.hpp"

#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

namespace relgate::sig
{

const EVP_MD *evp_md_for(HashAlgorithm algorithm)
{
  switch (algorithm) {
  case HashAlgorithm::sha384:
    return EVP_sha384();
  case HashAlgorithm::sha512:
    return EVP_sha512();
  default:
    return EVP_sha256();
  }
}

std::string hash_bytes(HashAlgorithm algorithm, std::string_view data)
{
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), out, &length, evp_md_for(algorithm), nullptr);
  return std::string(reinterpret_cast<char *>(out), length);
}

namespace
{

std::size_t ecdsa_field_bytes(KeyKind kind)
{
  switch (kind) {
  case KeyKind::ecdsa_p256:
    return 32;
  case KeyKind::ecdsa_p384:
    return 48;
  case KeyKind::ecdsa_p521:
    return 66;
  default:
    return 0;
  }
}

// DER as-is; raw r||s of exactly twice the field size is re-encoded as DER.
Result<std::string> ecdsa_der_signature(KeyKind kind, std::string_view signature)
{
  const unsigned char *cursor = bytes_ptr(signature);
  ECDSA_SIG *parsed = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(signature.size()));
  bool whole = parsed != nullptr && cursor == bytes_ptr(signature) + signature.size();
  ECDSA_SIG_free(parsed);
  if (whole)
    return std::string(signature);
  openssl_errors();
  std::size_t field = ecdsa_field_bytes(kind);
  if (signature.size() != 2 * field) {
    return make_error("invalid signature when validating ASN.1 encoded signature (" + std::to_string(signature.size()) +
                      " bytes, neither DER nor raw r||s of " + std::to_string(2 * field) + " bytes)");
  }
  ECDSA_SIG *raw = ECDSA_SIG_new();
  BIGNUM *r = BN_bin2bn(bytes_ptr(signature), static_cast<int>(field), nullptr);
  BIGNUM *s = BN_bin2bn(bytes_ptr(signature) + field, static_cast<int>(field), nullptr);
  ECDSA_SIG_set0(raw, r, s);
  unsigned char *out = nullptr;
  int length = i2d_ECDSA_SIG(raw, &out);
  ECDSA_SIG_free(raw);
  if (length <= 0)
    return make_error("cannot re-encode raw ECDSA signature");
  std::string der(reinterpret_cast<char *>(out), static_cast<std::size_t>(length));
  OPENSSL_free(out);
  return der;
}

bool pkey_verify(const PublicKey &key, HashAlgorithm algorithm, std::string_view digest, std::string_view signature,
                 int rsa_padding)
{
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key.pkey.get(), nullptr));
  if (!ctx || EVP_PKEY_verify_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), evp_md_for(algorithm)) != 1) {
    return false;
  }
  if (key.kind == KeyKind::rsa) {
    if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), rsa_padding) != 1)
      return false;
    if (rsa_padding == RSA_PKCS1_PSS_PADDING &&
        EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_AUTO) != 1) {
      return false;
    }
  }
  return EVP_PKEY_verify(ctx.get(), bytes_ptr(signature), signature.size(), bytes_ptr(digest), digest.size()) == 1;
}

} // namespace

Result<void> verify_digest_signature(const PublicKey &key, HashAlgorithm algorithm, std::string_view digest,
                                     std::string_view signature)
{
  if (signature.empty())
    return make_error("signature is empty");
  if (key.kind == KeyKind::ed25519) {
    return make_error("Ed25519 signs the whole message, not a digest: pass --artifact, not --digest");
  }
  bool ok = false;
  if (key.kind == KeyKind::rsa) {
    ok = pkey_verify(key, algorithm, digest, signature, RSA_PKCS1_PADDING) ||
         pkey_verify(key, algorithm, digest, signature, RSA_PKCS1_PSS_PADDING);
  } else {
    RELGATE_ASSIGN_OR_RETURN(std::string der, ecdsa_der_signature(key.kind, signature));
    ok = pkey_verify(key, algorithm, digest, der, 0);
  }
  openssl_errors();
  if (!ok)
    return make_error("signature does not verify");
  return ok_result();
}

Result<void> verify_message_signature(const PublicKey &key, std::string_view message, std::string_view signature,
                                      std::optional<HashAlgorithm> algorithm)
{
  if (signature.empty())
    return make_error("signature is empty");
  if (key.kind != KeyKind::ed25519) {
    HashAlgorithm chosen = algorithm.value_or(default_hash_for(key.kind).value_or(HashAlgorithm::sha256));
    return verify_digest_signature(key, chosen, hash_bytes(chosen, message), signature);
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.pkey.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), bytes_ptr(signature), signature.size(), bytes_ptr(message), message.size()) == 1;
  openssl_errors();
  if (!ok)
    return make_error("signature does not verify");
  return ok_result();
}

} // namespace relgate::sig
