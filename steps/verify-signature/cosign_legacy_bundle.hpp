// cosign v1/v2 `--bundle` files ({base64Signature, cert, rekorBundle{SignedEntryTimestamp,
// Payload}}), read into the same SigstoreBundle shape as a v0.1 bundle with an inclusion promise.
#pragma once

#include "json.hpp"
#include "result.hpp"
#include "sigstore_bundle.hpp"

#include <string>

namespace relgate::sig
{

bool is_cosign_legacy_bundle(const JsonValue &document);
Result<SigstoreBundle> parse_cosign_legacy_bundle(const JsonValue &document, const std::string &source);

} // namespace relgate::sig
