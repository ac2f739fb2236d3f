// Everything verify-signature reads before deciding: the policy, trusted keys and identities
// (policy + flags), the trusted root, signatures, payload, bundles, attestations, and the
// artifact hashed once for every algorithm the keys and certificates need.
#pragma once

#include "artifact.hpp"
#include "in_toto.hpp"
#include "signature_policy.hpp"
#include "sigstore_bundle.hpp"
#include "step_main.hpp"
#include "trust_config.hpp"
#include "trusted_root.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace relgate::sig
{

// What the command line asks for: one run is key-based or keyless, as with cosign. A key run
// (--key or --threshold) needs the threshold of trusted keys whatever else verified; a keyless
// run (--certificate-identity...) accepts only certificates of that identity. Without either
// flag the policy decides, and may list both kinds.
enum class RunKind { policy, keys, identity };

struct Inputs {
  RunKind kind = RunKind::policy;
  SignaturePolicy policy;
  std::vector<TrustedKey> keys;
  std::vector<IdentityRule> identities;
  std::unique_ptr<TrustedRoot> trusted_root;
  std::vector<std::pair<std::string, std::string>> signatures; // file, raw bytes
  std::optional<std::string> payload;
  std::vector<SigstoreBundle> bundles;
  std::vector<std::pair<std::string, DsseEnvelope>> attestations; // file, envelope
  int64_t threshold = 1;
  std::vector<FileRef> files; // every input read, for the evidence record
};

// Usage and input errors (exit 2) name the flag and file.
Result<Inputs> gather_inputs(StepContext &context);
Result<Artifact> load_artifact(const ParsedArgs &args, const Inputs &inputs);
ProvenanceRequirements provenance_requirements(const ParsedArgs &args, const SignaturePolicy &policy);

} // namespace relgate::sig
