// Signature checks over a precomputed digest (hash once, verify many) or over a message.
// ECDSA signatures are ASN.1 DER; raw r||s (P1363, some KMS signers) is converted first.
#pragma once

#include "digest.hpp"
#include "public_key.hpp"
#include "result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace relgate::sig
{

const EVP_MD *evp_md_for(HashAlgorithm algorithm);
std::string hash_bytes(HashAlgorithm algorithm, std::string_view data); // raw digest

// The error message says why, for a reason line: "signature does not verify (OpenSSL: bad
// signature)" with OpenSSL's own reason, "not an ECDSA signature (neither DER nor r||s of 64
// bytes)". RSA accepts PKCS#1 v1.5 and PSS (the reason names both attempts).
Result<void> verify_digest_signature(const PublicKey &key, HashAlgorithm algorithm, std::string_view digest,
                                     std::string_view signature);
// Hashes the message with `algorithm` (default: the key's) or, for Ed25519, signs it whole.
Result<void> verify_message_signature(const PublicKey &key, std::string_view message, std::string_view signature,
                                      std::optional<HashAlgorithm> algorithm = std::nullopt);

} // namespace relgate::sig
