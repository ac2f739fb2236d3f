// Every JSON document verify-signature reads (bundles, DSSE envelopes and payloads, log entry
// bodies, trusted roots, simple-signing payloads) is parsed here. A member named twice is refused:
// relgate would read one value and jq, Go's encoding/json or Python the other, so the evidence
// could show another tool a signature or statement that was never verified (sigstore-go's
// protojson refuses duplicates too). Kept in the step, not common/: the evidence readers have
// their own strict key check (check_object_keys).
#pragma once

#include "json.hpp"
#include "result.hpp"

#include <string>
#include <string_view>

namespace relgate::sig
{

// common/parse_json, then every object at every depth checked for a repeated member name. The
// error names the source, the member's path and the fix: "b.json: verificationMaterial: member
// \"publicKey\" appears twice (remove one: readers disagree on which one counts)".
Result<JsonDocument> parse_unique_json(std::string_view text, const std::string &source);

} // namespace relgate::sig
