// Small RAII layer over OpenSSL 3 objects, and the conversions every verifier needs
// (DER certificates, ASN1 times, the OpenSSL error queue as text).
#pragma once

#include "result.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::sig
{

struct EvpPkeyFree {
  void operator()(EVP_PKEY *p) const { EVP_PKEY_free(p); }
};
struct EvpMdCtxFree {
  void operator()(EVP_MD_CTX *p) const { EVP_MD_CTX_free(p); }
};
struct EvpPkeyCtxFree {
  void operator()(EVP_PKEY_CTX *p) const { EVP_PKEY_CTX_free(p); }
};
struct X509Free {
  void operator()(X509 *p) const { X509_free(p); }
};
struct X509StoreFree {
  void operator()(X509_STORE *p) const { X509_STORE_free(p); }
};
struct X509StoreCtxFree {
  void operator()(X509_STORE_CTX *p) const { X509_STORE_CTX_free(p); }
};
struct X509StackFree {
  void operator()(STACK_OF(X509) * p) const { sk_X509_pop_free(p, X509_free); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using X509StorePtr = std::unique_ptr<X509_STORE, X509StoreFree>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, X509StoreCtxFree>;
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;

// Drains the OpenSSL error queue into one line ("" when empty): reasons stay short.
std::string openssl_errors();

inline const unsigned char *bytes_ptr(std::string_view bytes)
{
  return reinterpret_cast<const unsigned char *>(bytes.data());
}

Result<X509Ptr> parse_der_certificate(std::string_view der, const std::string &what);
std::string certificate_der(X509 *cert);
std::string certificate_subject(X509 *cert);

// Seconds since the epoch of an ASN1 time (UTCTime or GeneralizedTime).
Result<std::time_t> asn1_time_to_epoch(const ASN1_TIME *time);
std::string format_epoch(std::time_t seconds); // RFC 3339 UTC

std::string sha256_bytes(std::string_view data); // raw 32 bytes

} // namespace relgate::sig
