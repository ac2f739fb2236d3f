// Signed certificate timestamps embedded in a Fulcio certificate (RFC 6962 §3.2): each SCT
// is checked by hand against the CT log keys of the trusted root (OpenSSL's CTLOG_STORE
// cannot be filled from memory), over the precertificate TBS rebuilt without the SCT list.
#pragma once

#include "ossl.hpp"
#include "result.hpp"
#include "trusted_root.hpp"

#include <cstdint>
#include <string>

namespace relgate::sig
{

struct SctReport {
  int verified = 0;
  std::string log_url; // of the first verified SCT
};

// At least one SCT must verify with a ctlog whose validFor covers the SCT timestamp.
Result<SctReport> verify_embedded_scts(X509 *leaf, X509 *issuer, const TrustedRoot &root);

// The bytes an SCT signs (exposed for tests).
std::string sct_signed_data(uint64_t timestamp_ms, std::string_view issuer_key_hash, std::string_view precert_tbs,
                            std::string_view extensions);

} // namespace relgate::sig
