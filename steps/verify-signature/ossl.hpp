// Small RAII layer over OpenSSL 3 objects, and the conversions every verifier needs
// (DER certificates, ASN1 times, the OpenSSL error queue as text).
#pragma once

#include "openssl_handles.hpp"
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

// Drains the OpenSSL error queue into one line ("" when empty): reasons stay short.
std::string openssl_errors();
// The first (root-cause) reason in the queue, or `fallback` when OpenSSL left none; drains it.
std::string openssl_first_error(const std::string &fallback);

inline const unsigned char *bytes_ptr(std::string_view bytes)
{
  return reinterpret_cast<const unsigned char *>(bytes.data());
}

// Cheap framing check (one DER SEQUENCE spanning all bytes) for material decoded later.
bool is_der_sequence(std::string_view der);
Result<X509Ptr> parse_der_certificate(std::string_view der, const std::string &what);
std::string certificate_der(X509 *cert);
std::string certificate_subject(X509 *cert);

// Seconds since the epoch of an ASN1 time (UTCTime or GeneralizedTime).
Result<std::time_t> asn1_time_to_epoch(const ASN1_TIME *time);
std::string format_epoch(std::time_t seconds); // RFC 3339 UTC

std::string sha256_bytes(std::string_view data); // raw 32 bytes

} // namespace relgate::sig
