#include "ec_spki.hpp"
#include "test_keys.hpp"

#include <doctest/doctest.h>
#include <openssl/core_names.h>
#include <openssl/err.h>

#include <string>

using namespace relgate;
using namespace relgate::sig;

namespace
{

std::string spki_of(EVP_PKEY *key)
{
  unsigned char *out = nullptr;
  int length = i2d_PUBKEY(key, &out);
  std::string der(reinterpret_cast<char *>(out), static_cast<std::size_t>(length));
  OPENSSL_free(out);
  return der;
}

PkeyPtr d2i_spki(const std::string &der)
{
  const unsigned char *cursor = bytes_ptr(der);
  PkeyPtr key(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size())));
  if (key && cursor != bytes_ptr(der) + der.size())
    key.reset();
  ERR_clear_error();
  return key;
}

} // namespace

TEST_CASE("named-curve EC keys import without the decoder and equal what d2i_PUBKEY gives")
{
  for (const char *curve : {"P-256", "P-384", "P-521"}) {
    CAPTURE(curve);
    auto key = test::generate("EC", curve);
    REQUIRE(key);
    std::string der = spki_of(key.get());
    PkeyPtr fast = decode_named_curve_spki(der);
    REQUIRE(fast);
    CHECK(EVP_PKEY_eq(fast.get(), key.get()) == 1);
    // The same key with a compressed point is another valid SPKI.
    REQUIRE(EVP_PKEY_set_utf8_string_param(key.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "compressed") == 1);
    std::string compressed = spki_of(key.get());
    CHECK(compressed.size() < der.size());
    PkeyPtr fast_compressed = decode_named_curve_spki(compressed);
    REQUIRE(fast_compressed);
    CHECK(EVP_PKEY_eq(fast_compressed.get(), fast.get()) == 1);
    auto parsed = parse_public_key_der(der, "key");
    REQUIRE(parsed);
    CHECK(parsed->spki_der() == der);
  }
}

TEST_CASE("anything but a canonical named-curve EC SPKI is left to d2i_PUBKEY")
{
  auto ed = test::generate("ED25519");
  auto rsa = test::generate("RSA");
  CHECK_FALSE(decode_named_curve_spki(spki_of(ed.get())));
  CHECK_FALSE(decode_named_curve_spki(spki_of(rsa.get())));
  CHECK(parse_public_key_der(spki_of(ed.get()), "ed25519 key"));
  CHECK(parse_public_key_der(spki_of(rsa.get()), "rsa key"));

  auto p256 = test::generate("EC", "P-256");
  std::string der = spki_of(p256.get());
  CHECK_FALSE(decode_named_curve_spki(""));
  CHECK_FALSE(decode_named_curve_spki(der + '\0'));                    // trailing byte
  CHECK_FALSE(decode_named_curve_spki(der.substr(0, der.size() - 1))); // truncated
  std::string off_curve = der;
  off_curve.back() = static_cast<char>(off_curve.back() ^ 0x01); // Y no longer on the curve
  CHECK_FALSE(decode_named_curve_spki(off_curve));
  CHECK_FALSE(parse_public_key_der(off_curve, "key")); // and d2i_PUBKEY refuses it as well
  std::string long_form = der;                         // the outer length in a non-minimal long form: not DER
  long_form.replace(1, 1, std::string("\x81", 1) + der[1]);
  CHECK_FALSE(decode_named_curve_spki(long_form));
  CHECK(ERR_peek_error() == 0); // a refusal queues no OpenSSL error
}

TEST_CASE("whatever the fast import accepts, d2i_PUBKEY accepts as the same key")
{
  // Every single-byte change of a P-256 SPKI (each position, three values): the fast path may
  // refuse more (d2i_PUBKEY then decides) but never accepts what d2i_PUBKEY refuses or reads
  // differently.
  auto key = test::generate("EC", "P-256");
  const std::string der = spki_of(key.get());
  int accepted = 0;
  for (std::size_t i = 0; i < der.size(); ++i) {
    for (int delta : {1, 0x80, 0xff}) {
      std::string mutated = der;
      mutated[i] = static_cast<char>(static_cast<unsigned char>(mutated[i]) ^ delta);
      PkeyPtr fast = decode_named_curve_spki(mutated);
      if (!fast)
        continue;
      ++accepted;
      CAPTURE(i);
      CAPTURE(delta);
      PkeyPtr slow = d2i_spki(mutated);
      REQUIRE(slow);
      CHECK(EVP_PKEY_eq(fast.get(), slow.get()) == 1);
    }
  }
  CHECK(accepted < 10); // almost every change breaks the framing or moves the point off the curve
}
