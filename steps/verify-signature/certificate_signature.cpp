#include "certificate_signature.hpp"

#include "ecdsa_p384.hpp"
#include "ossl.hpp"
#include "signature_verify.hpp"

#include <openssl/core_names.h>
#include <openssl/x509v3.h>

#include <cstring>

namespace relgate::sig
{

namespace
{

// The TBSCertificate's bytes as the certificate carries them (OpenSSL's X509 keeps its original
// encoding and i2d_X509 writes it back): what OpenSSL's X509_verify hashes.
std::string_view tbs_of(std::string_view der)
{
  const unsigned char *cursor = bytes_ptr(der);
  long length = 0;
  int tag = 0;
  int xclass = 0;
  if (ASN1_get_object(&cursor, &length, &tag, &xclass, static_cast<long>(der.size())) != V_ASN1_CONSTRUCTED)
    return {};
  const unsigned char *tbs = cursor;
  long remaining = length;
  if (ASN1_get_object(&cursor, &length, &tag, &xclass, remaining) != V_ASN1_CONSTRUCTED || tag != V_ASN1_SEQUENCE)
    return {};
  return der.substr(static_cast<std::size_t>(tbs - bytes_ptr(der)), static_cast<std::size_t>(cursor + length - tbs));
}

// X || Y of a P-384 key, or "" for any other key.
std::string p384_point(EVP_PKEY *key)
{
  char group[32] = {};
  std::size_t group_length = 0;
  if (EVP_PKEY_is_a(key, "EC") != 1 || EVP_PKEY_get_group_name(key, group, sizeof group, &group_length) != 1 ||
      std::string_view(group, group_length) != "secp384r1") {
    return {};
  }
  BIGNUM *x = nullptr;
  BIGNUM *y = nullptr;
  std::string point(96, '\0');
  bool ok = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
            EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1 &&
            BN_bn2binpad(x, reinterpret_cast<unsigned char *>(point.data()), 48) == 48 &&
            BN_bn2binpad(y, reinterpret_cast<unsigned char *>(point.data()) + 48, 48) == 48;
  BN_free(x);
  BN_free(y);
  return ok ? point : std::string();
}

// The signature step for ecdsa-with-SHA384 by P-384; nullopt when this is another case.
std::optional<bool> nettle_signed_by(X509 *cert, EVP_PKEY *key)
{
  const ASN1_BIT_STRING *signature = nullptr;
  const X509_ALGOR *algorithm = nullptr;
  X509_get0_signature(&signature, &algorithm, cert);
  const ASN1_OBJECT *oid = nullptr;
  int parameter_type = 0;
  X509_ALGOR_get0(&oid, &parameter_type, nullptr, algorithm);
  // X509_verify's own checks first: both algorithm fields equal, no unused bits in the signature.
  if (X509_ALGOR_cmp(algorithm, X509_get0_tbs_sigalg(cert)) != 0 || (signature->flags & 0x07) != 0)
    return false;
  if (OBJ_obj2nid(oid) != NID_ecdsa_with_SHA384 || parameter_type != V_ASN1_UNDEF)
    return std::nullopt;
  std::string point = p384_point(key);
  if (point.empty())
    return std::nullopt;
  std::string der = certificate_der(cert);
  std::string_view tbs = tbs_of(der);
  if (tbs.empty())
    return false;
  std::string_view signature_bytes(reinterpret_cast<const char *>(signature->data),
                                   static_cast<std::size_t>(signature->length));
  return static_cast<bool>(verify_ecdsa_p384(point, hash_bytes(HashAlgorithm::sha384, tbs), signature_bytes));
}

// OpenSSL's internal_verify, which X509_STORE_CTX_init installs (the fallback), and its default
// verify callback, which refuses at the first error (the only one walk_chain handles).
X509_STORE_CTX_verify_fn openssl_chain_walk = nullptr;
X509_STORE_CTX_verify_cb openssl_default_callback = nullptr;

int fail(X509_STORE_CTX *ctx, X509 *cert, int depth, int error)
{
  X509_STORE_CTX_set_error_depth(ctx, depth);
  X509_STORE_CTX_set_current_cert(ctx, cert);
  X509_STORE_CTX_set_error(ctx, error);
  return 0;
}

// ossl_x509_check_cert_time at a pinned time.
int check_validity(X509_STORE_CTX *ctx, X509 *cert, int depth, std::time_t at)
{
  int before = X509_cmp_time(X509_get0_notBefore(cert), &at);
  if (before == 0)
    return fail(ctx, cert, depth, X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD);
  if (before > 0)
    return fail(ctx, cert, depth, X509_V_ERR_CERT_NOT_YET_VALID);
  int after = X509_cmp_time(X509_get0_notAfter(cert), &at);
  if (after == 0)
    return fail(ctx, cert, depth, X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD);
  if (after < 0)
    return fail(ctx, cert, depth, X509_V_ERR_CERT_HAS_EXPIRED);
  return 1;
}

// ossl_x509_signing_allowed: a key usage extension, when present, must allow the signature.
int signing_allowed(X509 *issuer, X509 *subject)
{
  bool proxy = (X509_get_extension_flags(subject) & EXFLAG_PROXY) != 0;
  uint32_t needed = proxy ? KU_DIGITAL_SIGNATURE : KU_KEY_CERT_SIGN;
  if ((X509_get_key_usage(issuer) & needed) != 0)
    return X509_V_OK;
  return proxy ? X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE : X509_V_ERR_KEYUSAGE_NO_CERTSIGN;
}

// internal_verify for the chain leaf <- trust anchor under X509_V_FLAG_PARTIAL_CHAIN: the
// anchor's validity is checked, its self-signature is not (OpenSSL checks that only with
// X509_V_FLAG_CHECK_SS_SIGNATURE, and without PARTIAL_CHAIN it skips a non-self-issued anchor's
// validity; both fall back below).
int walk_chain(X509_STORE_CTX *ctx)
{
  STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
  X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
  unsigned long flags = X509_VERIFY_PARAM_get_flags(param);
  if (sk_X509_num(chain) != 2 || X509_STORE_CTX_get_verify_cb(ctx) != openssl_default_callback ||
      (flags & X509_V_FLAG_USE_CHECK_TIME) == 0 || (flags & X509_V_FLAG_PARTIAL_CHAIN) == 0 ||
      (flags & X509_V_FLAG_CHECK_SS_SIGNATURE) != 0 || (flags & X509_V_FLAG_NO_CHECK_TIME) != 0) {
    return openssl_chain_walk(ctx);
  }
  X509 *leaf = sk_X509_value(chain, 0);
  X509 *anchor = sk_X509_value(chain, 1);
  std::time_t at = X509_VERIFY_PARAM_get_time(param);
  if (check_validity(ctx, anchor, 1, at) == 0)
    return 0;
  int allowed = signing_allowed(anchor, leaf);
  if (allowed != X509_V_OK)
    return fail(ctx, anchor, 1, allowed);
  if (X509_get0_pubkey(anchor) == nullptr)
    return fail(ctx, anchor, 1, X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY);
  if (!certificate_signed_by(leaf, anchor))
    return fail(ctx, leaf, 0, X509_V_ERR_CERT_SIGNATURE_FAILURE);
  return check_validity(ctx, leaf, 0, at);
}

} // namespace

bool certificate_signed_by(X509 *cert, X509 *issuer)
{
  EVP_PKEY *key = X509_get0_pubkey(issuer);
  if (key == nullptr)
    return false;
  if (auto fast = nettle_signed_by(cert, key))
    return *fast;
  return X509_verify(cert, key) == 1;
}

void use_nettle_p384_for_chain(X509_STORE_CTX *ctx)
{
  // Only over OpenSSL's own walk and callback: a store that brings its own keeps them.
  X509_STORE *store = X509_STORE_CTX_get0_store(ctx);
  if (store == nullptr || X509_STORE_get_verify(store) != nullptr || X509_STORE_get_verify_cb(store) != nullptr)
    return;
  openssl_chain_walk = X509_STORE_CTX_get_verify(ctx);
  openssl_default_callback = X509_STORE_CTX_get_verify_cb(ctx);
  X509_STORE_CTX_set_verify(ctx, walk_chain);
}

} // namespace relgate::sig
