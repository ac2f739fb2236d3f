#include "ecdsa_p384.hpp"

#include "openssl_handles.hpp"
#include "ossl.hpp"

#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/ecdsa.h>
#include <openssl/ecdsa.h>

#include <cstring>
#include <gmp.h>

namespace relgate::sig
{

namespace
{

constexpr std::size_t field_bytes = 48;

// GMP and Nettle structures freed on every path.
struct Mpz {
  mpz_t value;
  Mpz() { mpz_init(value); }
  ~Mpz() { mpz_clear(value); }
  Mpz(const Mpz &) = delete;
  Mpz &operator=(const Mpz &) = delete;
};

struct NettlePoint {
  ecc_point value{};
  NettlePoint() { ecc_point_init(&value, nettle_get_secp_384r1()); }
  ~NettlePoint() { ecc_point_clear(&value); }
  NettlePoint(const NettlePoint &) = delete;
  NettlePoint &operator=(const NettlePoint &) = delete;
};

struct NettleSignature {
  dsa_signature value{};
  NettleSignature() { dsa_signature_init(&value); }
  ~NettleSignature() { dsa_signature_clear(&value); }
  NettleSignature(const NettleSignature &) = delete;
  NettleSignature &operator=(const NettleSignature &) = delete;
};

void import_unsigned(mpz_t out, const unsigned char *bytes, std::size_t size)
{
  mpz_import(out, size, 1, 1, 1, 0, bytes);
}

// r and s of a DER signature, refused as OpenSSL's ossl_ecdsa_verify refuses them: whatever
// d2i_ECDSA_SIG cannot read, and anything whose re-encoding differs (BER lengths, padded
// integers, trailing bytes). Negative values stay negative: Nettle refuses them.
bool read_der_signature(std::string_view signature, NettleSignature &out)
{
  const unsigned char *cursor = bytes_ptr(signature);
  EcdsaSigPtr parsed(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(signature.size())));
  if (!parsed)
    return false;
  unsigned char *der = nullptr;
  int length = i2d_ECDSA_SIG(parsed.get(), &der);
  bool canonical = length > 0 && static_cast<std::size_t>(length) == signature.size() &&
                   std::memcmp(der, signature.data(), signature.size()) == 0;
  OPENSSL_free(der);
  if (!canonical)
    return false;
  const BIGNUM *r = nullptr;
  const BIGNUM *s = nullptr;
  ECDSA_SIG_get0(parsed.get(), &r, &s);
  // Values wider than the field are out of range whatever their bytes; Nettle checks the rest.
  if (BN_num_bytes(r) > static_cast<int>(field_bytes) || BN_num_bytes(s) > static_cast<int>(field_bytes))
    return false;
  unsigned char buffer[field_bytes];
  for (auto [number, target] : {std::pair{r, out.value.r}, std::pair{s, out.value.s}}) {
    int size = BN_bn2bin(number, buffer);
    import_unsigned(target, buffer, static_cast<std::size_t>(size));
    if (BN_is_negative(number) != 0)
      mpz_neg(target, target);
  }
  return true;
}

} // namespace

Result<void> verify_ecdsa_p384(std::string_view point, std::string_view digest, std::string_view signature)
{
  if (point.size() != 2 * field_bytes)
    return make_error("P-384 public key must be X || Y of 96 bytes, has " + std::to_string(point.size()));
  Mpz x;
  Mpz y;
  import_unsigned(x.value, bytes_ptr(point), field_bytes);
  import_unsigned(y.value, bytes_ptr(point) + field_bytes, field_bytes);
  NettlePoint key;
  if (ecc_point_set(&key.value, x.value, y.value) != 1)
    return make_error("P-384 public key is not on the curve");
  NettleSignature parsed;
  if (!read_der_signature(signature, parsed))
    return make_error("ECDSA signature is not DER");
  if (ecdsa_verify(&key.value, digest.size(), bytes_ptr(digest), &parsed.value) != 1)
    return make_error("signature does not verify");
  return ok_result();
}

} // namespace relgate::sig
