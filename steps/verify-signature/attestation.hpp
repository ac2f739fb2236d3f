// DSSE attestations: the in-toto statement inside a verified envelope must name the artifact
// as a subject. Standalone envelopes (cosign attest-blob --key, .intoto.jsonl) are verified
// with the trusted keys, each key counting once towards the threshold.
#pragma once

#include "artifact.hpp"
#include "in_toto.hpp"
#include "result.hpp"
#include "sigstore_bundle.hpp"
#include "trust_config.hpp"

#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace relgate::sig
{

// The statement, or why it does not apply to this artifact (payload type, subjects).
Result<Statement> statement_for_artifact(const DsseEnvelope &envelope, const Artifact &artifact,
                                         const std::string &source);

struct AttestationReport {
  std::vector<std::string> verified_keys;
  std::vector<std::string> failures;
  std::optional<Statement> statement;
};

AttestationReport verify_attestation(const DsseEnvelope &envelope, const std::string &source,
                                     const std::vector<TrustedKey> &keys, const Artifact &artifact, std::time_t now);

// An envelope JSON file, or JSON lines whose first non-empty line is the envelope.
Result<DsseEnvelope> parse_attestation_file(const std::string &content, const std::string &source);

} // namespace relgate::sig
