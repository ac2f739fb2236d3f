#include "ec_spki.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/params.h>

#include <array>
#include <cstddef>
#include <optional>

namespace relgate::sig
{

namespace
{

struct NamedCurve {
  const char *name;           // OpenSSL's group name
  std::string_view algorithm; // DER AlgorithmIdentifier: id-ecPublicKey + curve OID
  std::size_t point_bytes;    // uncompressed point: 0x04 || X || Y
};

// AlgorithmIdentifier SEQUENCE { id-ecPublicKey 1.2.840.10045.2.1, namedCurve OID }.
constexpr unsigned char p256_algorithm[] = {0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                                            0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
constexpr unsigned char p384_algorithm[] = {0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
                                            0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
constexpr unsigned char p521_algorithm[] = {0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
                                            0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23};

std::string_view as_view(const unsigned char *bytes, std::size_t size)
{
  return {reinterpret_cast<const char *>(bytes), size};
}

const std::array<NamedCurve, 3> &named_curves()
{
  static const std::array<NamedCurve, 3> curves{{
      {"P-256", as_view(p256_algorithm, sizeof p256_algorithm), 65},
      {"P-384", as_view(p384_algorithm, sizeof p384_algorithm), 97},
      {"P-521", as_view(p521_algorithm, sizeof p521_algorithm), 133},
  }};
  return curves;
}

// Reads one DER tag and definite length (minimal short or one-byte long form, which covers every
// SPKI above) at `offset`; returns the content length and moves `offset` to the content.
std::optional<std::size_t> read_header(std::string_view der, std::size_t &offset, unsigned char tag)
{
  if (offset + 2 > der.size() || static_cast<unsigned char>(der[offset]) != tag)
    return std::nullopt;
  auto first = static_cast<unsigned char>(der[offset + 1]);
  offset += 2;
  std::size_t length = first;
  if (first == 0x81) {
    if (offset >= der.size())
      return std::nullopt;
    length = static_cast<unsigned char>(der[offset]);
    offset += 1;
    if (length < 0x80) // not minimal: DER forbids it
      return std::nullopt;
  } else if (first > 0x7f) {
    return std::nullopt;
  }
  if (length > der.size() - offset)
    return std::nullopt;
  return length;
}

} // namespace

PkeyPtr decode_named_curve_spki(std::string_view der)
{
  std::size_t offset = 0;
  auto outer = read_header(der, offset, 0x30);
  if (!outer || offset + *outer != der.size())
    return nullptr;
  const NamedCurve *curve = nullptr;
  for (const auto &candidate : named_curves()) {
    if (der.substr(offset, candidate.algorithm.size()) == candidate.algorithm)
      curve = &candidate;
  }
  if (curve == nullptr)
    return nullptr;
  offset += curve->algorithm.size();
  auto bits = read_header(der, offset, 0x03);
  // BIT STRING: no unused bits, then the point (uncompressed or compressed; OpenSSL decides).
  if (!bits || offset + *bits != der.size() || *bits < 2 || der[offset] != 0)
    return nullptr;
  std::string_view point = der.substr(offset + 1);
  if (point.size() != curve->point_bytes && point.size() != (curve->point_bytes + 1) / 2)
    return nullptr;

  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char *>(curve->name), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<char *>(point.data()), point.size()),
      OSSL_PARAM_construct_end()};
  EVP_PKEY *key = nullptr;
  ERR_set_mark(); // a refused point leaves nothing behind: d2i_PUBKEY then tells why
  bool imported = ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
                  EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  ERR_pop_to_mark();
  return imported ? PkeyPtr(key) : nullptr;
}

} // namespace relgate::sig
