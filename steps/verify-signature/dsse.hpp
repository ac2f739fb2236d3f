// DSSE (secure-systems-lab/dsse v1.0.2): the pre-authentication encoding that is signed, and
// standalone envelopes ({"payload","payloadType","signatures":[{"sig","keyid"}]}).
#pragma once

#include "result.hpp"
#include "sigstore_bundle.hpp"

#include <string>
#include <string_view>

namespace relgate::sig
{

// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN in decimal bytes.
std::string dsse_pae(std::string_view payload_type, std::string_view payload);

// Standard or URL-safe base64, padded or not.
Result<DsseEnvelope> parse_dsse_envelope(std::string_view json_text, const std::string &source);

} // namespace relgate::sig
