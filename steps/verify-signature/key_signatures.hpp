// cosign sign-blob style detached signatures: a signature file (base64, or raw DER/bytes)
// checked against every trusted key; each key counts once towards the k-of-n threshold.
#pragma once

#include "artifact.hpp"
#include "result.hpp"
#include "trust_config.hpp"

#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::sig
{

// cosign writes base64 (often with a newline); raw binary signatures are accepted as they are.
// Empty files and text that is not base64 are errors naming the file.
Result<std::string> decode_signature_file(std::string_view content, const std::string &source);

// Over the artifact: prehashed with the key's hash (digest reused), or, for Ed25519, the bytes kept
// with the digests (artifact_from_file's keep_bytes); never the file read again.
Result<void> verify_artifact_signature(const PublicKey &key, const Artifact &artifact, std::string_view signature);

struct DetachedSignatureReport {
  std::vector<std::string> verified_keys; // names of keys that verified one of the signatures
  std::vector<std::string> problems;      // per signature: why no key verified it
};

// `payload`: the signed bytes for the simple-signing form; nullopt = the artifact itself.
DetachedSignatureReport verify_detached_signatures(const std::vector<std::pair<std::string, std::string>> &signatures,
                                                   const std::vector<TrustedKey> &keys, const Artifact &artifact,
                                                   const std::optional<std::string> &payload, std::time_t now);

} // namespace relgate::sig
