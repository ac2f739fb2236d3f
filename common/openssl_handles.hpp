// One RAII handle per OpenSSL object type: a std::unique_ptr whose deleter is the object's own
// free function, through one template (issue 12 found 18 hand-written deleter structs).
// Add an alias here when a new OpenSSL type is needed; never a new deleter struct.
#pragma once

#include <openssl/bio.h>
#include <openssl/ct.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <utility>

namespace relgate
{

// OpenSSL's error strings on demand. Loading all of them is about 0.5 ms, paid at start-up by
// every process that touches OpenSSL's error queue (a successful verification does, internally);
// verify-signature skips that and installs a loader here (steps/verify-signature/main.cpp).
// Whoever turns an error code into text calls need_openssl_error_strings() first; without a
// loader (OpenSSL loaded its strings itself) it does nothing.
inline void (*openssl_error_strings_loader)() = nullptr;
inline void need_openssl_error_strings()
{
  if (auto load = std::exchange(openssl_error_strings_loader, nullptr))
    load();
}

// Calls `Free` on a non-null pointer (OpenSSL's free functions accept null too).
template <auto Free> struct OsslFree {
  template <typename T> void operator()(T *object) const { Free(object); }
};

// A STACK_OF(X509) owns its certificates: free them with the stack.
inline void x509_stack_free(STACK_OF(X509) * stack)
{
  sk_X509_pop_free(stack, X509_free);
}

using BioPtr = std::unique_ptr<BIO, OsslFree<BIO_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OsslFree<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OsslFree<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OsslFree<EVP_MD_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OsslFree<ECDSA_SIG_free>>;
using X509Ptr = std::unique_ptr<X509, OsslFree<X509_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, OsslFree<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OsslFree<X509_STORE_CTX_free>>;
using X509StackPtr = std::unique_ptr<STACK_OF(X509), OsslFree<x509_stack_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OsslFree<GENERAL_NAMES_free>>;
using ExtKeyUsagePtr = std::unique_ptr<EXTENDED_KEY_USAGE, OsslFree<EXTENDED_KEY_USAGE_free>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, OsslFree<ASN1_OBJECT_free>>;
using Utf8StringPtr = std::unique_ptr<ASN1_UTF8STRING, OsslFree<ASN1_UTF8STRING_free>>;
using SctListPtr = std::unique_ptr<STACK_OF(SCT), OsslFree<SCT_LIST_free>>;
using Pkcs7Ptr = std::unique_ptr<PKCS7, OsslFree<PKCS7_free>>;
using TsRespPtr = std::unique_ptr<TS_RESP, OsslFree<TS_RESP_free>>;
using TsTstInfoPtr = std::unique_ptr<TS_TST_INFO, OsslFree<TS_TST_INFO_free>>;
using TsVerifyCtxPtr = std::unique_ptr<TS_VERIFY_CTX, OsslFree<TS_VERIFY_CTX_free>>;

} // namespace relgate
