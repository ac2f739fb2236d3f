// policies/signature.toml: trusted keys (name, path relative to the policy, optional window),
// a k-of-n threshold, keyless identities, provenance requirements. Strict: unknown keys fail.
#pragma once

#include "evidence.hpp"
#include "in_toto.hpp"
#include "result.hpp"
#include "trust_config.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace relgate::sig
{

struct SignaturePolicy {
  PolicyRef ref;
  std::vector<TrustedKey> keys;
  int64_t threshold = 1;
  std::vector<IdentityRule> identities;
  std::string trusted_root; // resolved path, "" = none
  ProvenanceRequirements provenance;
};

constexpr int64_t signature_policy_version = 1;

Result<SignaturePolicy> load_signature_policy(const std::string &path);

} // namespace relgate::sig
