#include "ossl.hpp"

#include <openssl/err.h>
#include <openssl/sha.h>

#include <chrono>

#include "time_util.hpp"

namespace relgate::sig
{

std::string openssl_errors()
{
  std::string text;
  unsigned long code = 0;
  const char *data = nullptr;
  int flags = 0;
  if (ERR_peek_error() != 0)
    need_openssl_error_strings();
  while ((code = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) != 0) {
    if (!text.empty())
      text += "; ";
    const char *reason = ERR_reason_error_string(code);
    text += reason != nullptr ? reason : "error " + std::to_string(code);
    // The detail (e.g. "Verify error:certificate has expired") is what a person needs.
    if ((flags & ERR_TXT_STRING) != 0 && data != nullptr && *data != '\0')
      text += std::string(" (") + data + ")";
  }
  return text;
}

bool is_der_sequence(std::string_view der)
{
  const unsigned char *cursor = bytes_ptr(der);
  long length = 0;
  int tag = 0;
  int xclass = 0;
  int flags = ASN1_get_object(&cursor, &length, &tag, &xclass, static_cast<long>(der.size()));
  // 0x80 = error; V_ASN1_CONSTRUCTED without 0x21 (indefinite length) is what DER allows.
  if ((flags & 0x80) != 0 || flags != V_ASN1_CONSTRUCTED || tag != V_ASN1_SEQUENCE || xclass != V_ASN1_UNIVERSAL)
    return false;
  return cursor + length == bytes_ptr(der) + der.size();
}

std::string openssl_first_error(const std::string &fallback)
{
  unsigned long code = ERR_peek_error();
  if (code != 0)
    need_openssl_error_strings();
  const char *reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  std::string text = reason != nullptr ? reason : fallback;
  ERR_clear_error();
  return text;
}

Result<X509Ptr> parse_der_certificate(std::string_view der, const std::string &what)
{
  const unsigned char *cursor = bytes_ptr(der);
  X509Ptr cert(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  if (!cert || cursor != bytes_ptr(der) + der.size()) {
    openssl_errors();
    return make_error(what + ": not a DER X.509 certificate");
  }
  return cert;
}

std::string certificate_der(X509 *cert)
{
  unsigned char *out = nullptr;
  int length = i2d_X509(cert, &out);
  if (length <= 0)
    return {};
  std::string der(reinterpret_cast<char *>(out), static_cast<std::size_t>(length));
  OPENSSL_free(out);
  return der;
}

std::string certificate_subject(X509 *cert)
{
  char buffer[512];
  X509_NAME_oneline(X509_get_subject_name(cert), buffer, sizeof buffer);
  return buffer;
}

Result<std::time_t> asn1_time_to_epoch(const ASN1_TIME *time)
{
  struct tm parts {
  };
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) {
    return make_error("invalid ASN.1 time");
  }
  return timegm(&parts);
}

std::string format_epoch(std::time_t seconds)
{
  return format_rfc3339(std::chrono::system_clock::from_time_t(seconds));
}

std::string sha256_bytes(std::string_view data)
{
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(bytes_ptr(data), data.size(), out);
  return std::string(reinterpret_cast<char *>(out), sizeof out);
}

} // namespace relgate::sig
