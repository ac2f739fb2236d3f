// Public keys as cosign accepts them: PEM "PUBLIC KEY" (SPKI) or "RSA PUBLIC KEY" (PKCS#1),
// DER SPKI from bundles and trusted roots. ECDSA P-256/384/521, Ed25519, RSA >= 2048 bits.
#pragma once

#include "digest.hpp"
#include "ossl.hpp"
#include "result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace relgate::sig
{

enum class KeyKind { ecdsa_p256, ecdsa_p384, ecdsa_p521, ed25519, rsa };

struct PublicKey {
  PkeyPtr pkey;
  KeyKind kind = KeyKind::ecdsa_p256;
  int bits = 0;
  mutable std::string spki_cache;

  std::string kind_name() const; // "ecdsa-p256", "ed25519", "rsa-3072"
  // DER SubjectPublicKeyInfo; kept from parsing when possible (OpenSSL 3's encoder is slow).
  const std::string &spki_der() const;
  // base64(SHA-256(DER SPKI)): the bundle's publicKey.hint in practice.
  std::string hint() const;
};

// The hash cosign pairs with the key (P-384 -> SHA-384, P-521 -> SHA-512); nullopt for
// Ed25519, which signs the message itself.
std::optional<HashAlgorithm> default_hash_for(KeyKind kind);

Result<PublicKey> parse_public_key_pem(std::string_view pem, const std::string &source);
// A key file as users have them: PEM, or binary DER (SPKI / PKCS#1) from `openssl pkey -outform DER`.
Result<PublicKey> parse_public_key_file(std::string_view content, const std::string &source);
// DER SPKI, or a DER PKCS#1 RSAPublicKey (trusted roots use both).
Result<PublicKey> parse_public_key_der(std::string_view der, const std::string &source);
Result<PublicKey> public_key_from_pkey(PkeyPtr pkey, const std::string &source);

} // namespace relgate::sig
