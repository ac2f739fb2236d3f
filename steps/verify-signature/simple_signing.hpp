// cosign's container-image signature payload ("simple signing"): the signature covers these
// JSON bytes, and critical.image.docker-manifest-digest must be the artifact digest.
#pragma once

#include "digest.hpp"
#include "result.hpp"

#include <string>
#include <string_view>

namespace relgate::sig
{

constexpr std::string_view simple_signing_type = "cosign container image signature";

// Keys match case-insensitively, as Go's encoding/json does ("Docker-manifest-digest" in the spec).
Result<Digest> simple_signing_digest(std::string_view payload, const std::string &source);
// The reason when the payload names another image, or "" when it matches.
std::string simple_signing_mismatch(const Digest &payload_digest, const Digest &artifact_digest);

} // namespace relgate::sig
