// Certificate signatures inside X509_verify_cert with P-384 ECDSA by Nettle (ecdsa_p384.hpp).
// OpenSSL checks the chain as always (building, CA constraints, names, extensions, times,
// purposes); only the signature step of its chain walk is replaced, for the one chain shape the
// Fulcio check builds: the leaf and the CA certificate that issued it, trusted as listed.
#pragma once

#include <openssl/x509_vfy.h>

namespace relgate::sig
{

// X509_verify(cert, issuer's key) == 1, the same answer: an ecdsa-with-SHA384 signature (no
// algorithm parameters, as RFC 5758 requires) by a P-384 key is checked by Nettle over the
// certificate's own TBS bytes, anything else by X509_verify.
bool certificate_signed_by(X509 *cert, X509 *issuer);

// Replaces the signature and validity walk of X509_verify_cert on `ctx` (after
// X509_STORE_CTX_init) with OpenSSL's own steps in its order: the issuer's key usage allows
// certificate signing, its key decodes, certificate_signed_by, then both certificates' validity
// at the verification time, each failure with OpenSSL's error code. Any other chain shape or
// configuration (a verify callback, no pinned time, self-signature checks) is left to OpenSSL.
void use_nettle_p384_for_chain(X509_STORE_CTX *ctx);

} // namespace relgate::sig
