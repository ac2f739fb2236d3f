// DSSE (secure-systems-lab/dsse v1.0.2): the pre-authentication encoding that is signed, and
// standalone envelopes ({"payload","payloadType","signatures":[{"sig","keyid"}]}).
#pragma once

#include "encoding.hpp"
#include "result.hpp"
#include "sigstore_bundle.hpp"

#include <string>
#include <string_view>

namespace relgate::sig
{

using relgate::dsse_pae; // common/encoding.hpp: evidence signatures use it too

// Standard or URL-safe base64, padded or not.
Result<DsseEnvelope> parse_dsse_envelope(std::string_view json_text, const std::string &source);

// An in-toto payload with a member named twice is bad input (exit 2) before any signature is
// checked, like the envelope around it (unique_json.hpp); other payload types are left alone.
Result<void> check_dsse_payload_json(const DsseEnvelope &envelope, const std::string &source);

} // namespace relgate::sig
