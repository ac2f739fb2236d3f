// ECDSA P-384 verification by Nettle. OpenSSL 3.0 has no optimised P-384 code: one verification
// (the Fulcio intermediate's signature on every keyless signing certificate) is about 0.8 ms
// there and under half of that in Nettle. P-256 stays with OpenSSL (its nistz256 code is faster
// than Nettle's). tests/unit/verify-signature/test_ecdsa_p384.cpp checks that both libraries
// give the same answer for valid signatures and every kind of corruption.
#pragma once

#include "result.hpp"

#include <string_view>

namespace relgate::sig
{

// `point` is the public key as X || Y (48 bytes each, big-endian), `signature` a DER
// ECDSA-Sig-Value. What OpenSSL's ECDSA verification accepts, this accepts: the signature in
// DER only (OpenSSL re-encodes it and compares the bytes), 0 < r, s < n, the digest's leftmost
// 384 bits (FIPS 186-4 6.4). The error says why ("not on the curve", "not DER", "does not verify").
Result<void> verify_ecdsa_p384(std::string_view point, std::string_view digest, std::string_view signature);

} // namespace relgate::sig
