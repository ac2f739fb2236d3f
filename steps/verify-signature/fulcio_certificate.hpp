// Keyless signing certificates (Fulcio): the chain to a trusted CA at the signing time, the
// codeSigning EKU, and the identity (SAN) and OIDC issuer extension the policy matches.
#pragma once

#include "ossl.hpp"
#include "result.hpp"
#include "trusted_root.hpp"

#include <ctime>
#include <string>
#include <vector>

namespace relgate::sig
{

struct CertificateIdentity {
  std::vector<std::string> subjects; // SAN URIs and emails
  std::string issuer;                // OIDC issuer (1.3.6.1.4.1.57264.1.8, legacy .1.1)
};

Result<CertificateIdentity> certificate_identity(X509 *leaf);

struct VerifiedChain {
  X509Ptr issuer; // the certificate that signed the leaf (for SCTs)
  std::string ca_uri;
};

// Verifies leaf -> trusted CA with the verification time pinned to `at`: the CA's validFor
// and every certificate's notBefore/notAfter must cover it.
Result<VerifiedChain> verify_certificate_chain(X509 *leaf, const TrustedRoot &root, std::time_t at);

} // namespace relgate::sig
