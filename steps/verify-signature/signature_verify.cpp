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
  EcdsaSigPtr parsed(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(signature.size())));
  if (parsed && cursor == bytes_ptr(signature) + signature.size())
    return std::string(signature);
  openssl_errors();
  std::size_t field = ecdsa_field_bytes(kind);
  if (signature.size() != 2 * field) {
    return make_error("invalid signature when validating ASN.1 encoded signature (" + std::to_string(signature.size()) +
                      " bytes, neither DER nor raw r||s of " + std::to_string(2 * field) + " bytes)");
  }
  EcdsaSigPtr raw(ECDSA_SIG_new());
  BIGNUM *r = BN_bin2bn(bytes_ptr(signature), static_cast<int>(field), nullptr);
  BIGNUM *s = BN_bin2bn(bytes_ptr(signature) + field, static_cast<int>(field), nullptr);
  if (!raw || r == nullptr || s == nullptr || ECDSA_SIG_set0(raw.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return make_error("cannot re-encode raw ECDSA signature");
  }
  unsigned char *out = nullptr;
  int length = i2d_ECDSA_SIG(raw.get(), &out);
  if (length <= 0)
    return make_error("cannot re-encode raw ECDSA signature");
  std::string der(reinterpret_cast<char *>(out), static_cast<std::size_t>(length));
  OPENSSL_free(out);
  return der;
}

// " (OpenSSL: <reason>)", or "" when OpenSSL gave none (a well-formed ECDSA signature that simply
// does not match: OpenSSL queues no error for it).
std::string openssl_detail(const std::string &reason)
{
  return reason.empty() ? std::string() : " (OpenSSL: " + reason + ")";
}

std::string or_rejected(const std::string &reason)
{
  return reason.empty() ? "rejected" : reason;
}

// On failure the error is OpenSSL's reason alone ("bad signature", "wrong signature length"):
// a person needs to tell a forged signature from a key or encoding of the wrong kind.
Result<void> pkey_verify(const PublicKey &key, HashAlgorithm algorithm, std::string_view digest,
                         std::string_view signature, int rsa_padding)
{
  openssl_errors(); // start from an empty queue: the reason must be this call's
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(key.pkey.get(), nullptr));
  bool ready = ctx && EVP_PKEY_verify_init(ctx.get()) == 1 &&
               EVP_PKEY_CTX_set_signature_md(ctx.get(), evp_md_for(algorithm)) == 1;
  if (ready && key.kind == KeyKind::rsa) {
    ready = EVP_PKEY_CTX_set_rsa_padding(ctx.get(), rsa_padding) == 1 &&
            (rsa_padding != RSA_PKCS1_PSS_PADDING ||
             EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), RSA_PSS_SALTLEN_AUTO) == 1);
  }
  if (ready &&
      EVP_PKEY_verify(ctx.get(), bytes_ptr(signature), signature.size(), bytes_ptr(digest), digest.size()) == 1) {
    return ok_result();
  }
  return make_error(openssl_first_error(ready ? "" : "cannot set up the verification"));
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
  if (key.kind == KeyKind::rsa) {
    auto pkcs1 = pkey_verify(key, algorithm, digest, signature, RSA_PKCS1_PADDING);
    if (pkcs1)
      return pkcs1;
    auto pss = pkey_verify(key, algorithm, digest, signature, RSA_PKCS1_PSS_PADDING);
    if (pss)
      return pss;
    return make_error("signature does not verify" + openssl_detail("PKCS#1 v1.5 " + or_rejected(pkcs1.message()) +
                                                                   ", PSS " + or_rejected(pss.message())));
  }
  RELGATE_ASSIGN_OR_RETURN(std::string der, ecdsa_der_signature(key.kind, signature));
  auto checked = pkey_verify(key, algorithm, digest, der, 0);
  if (!checked)
    return make_error("signature does not verify" + openssl_detail(checked.message()));
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
  openssl_errors();
  MdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.pkey.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), bytes_ptr(signature), signature.size(), bytes_ptr(message), message.size()) == 1;
  if (ok)
    return ok_result();
  return make_error("signature does not verify" + openssl_detail(openssl_first_error("")));
}

} // namespace relgate::sig
