// The precertificate TBS an embedded SCT signs (RFC 6962 §3.2): the certificate's
// TBSCertificate without its SCT list extension. Cut out of the certificate's own DER, so the
// bytes are exactly the CA's (no re-encoding) and no copy of the certificate is decoded (an
// X509_dup re-decodes the public key through OpenSSL's provider decoders).
#pragma once

#include "result.hpp"

#include <string>
#include <string_view>

namespace relgate::sig
{

// `certificate_der` is a whole DER certificate. Only the first SCT list extension
// (1.3.6.1.4.1.11129.2.4.2) is removed; without one the TBS is returned as it is. An error
// means the DER is not framed as a certificate.
Result<std::string> precert_tbs_from_der(std::string_view certificate_der);

} // namespace relgate::sig
