// Named-curve EC public keys (DER SubjectPublicKeyInfo) decoded without OpenSSL 3's decoder
// framework. d2i_PUBKEY sets up a decoder chain over every key type at each call (about 0.1 to
// 0.25 ms, OpenSSL 3.0); a keyless verification decodes two such keys (the log's and the CT
// log's), a key-based one one. Importing the curve name and point costs about 0.02 ms.
#pragma once

#include "openssl_handles.hpp"

#include <string_view>

namespace relgate::sig
{

// The key of a DER SPKI holding an id-ecPublicKey on the named curve P-256, P-384 or P-521,
// byte for byte in its canonical DER form, or null for anything else. OpenSSL checks the point
// (on the curve, not infinity) as d2i_PUBKEY does. A null result means "not this shape": the
// caller decodes with d2i_PUBKEY, so which keys are accepted or refused does not change.
PkeyPtr decode_named_curve_spki(std::string_view der);

} // namespace relgate::sig
