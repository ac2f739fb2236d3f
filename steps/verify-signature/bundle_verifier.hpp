// Verifies one Sigstore bundle offline, in sigstore-go's order: signature over the artifact
// (or DSSE PAE) -> transparency-log entries -> RFC 3161 timestamps -> certificate chain at
// every proven time, SCT, identity; or, for managed keys, the trusted key and its window.
#pragma once

#include "artifact.hpp"
#include "in_toto.hpp"
#include "result.hpp"
#include "sigstore_bundle.hpp"
#include "trust_config.hpp"
#include "trusted_root.hpp"

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace relgate::sig
{

struct BundleVerifyOptions {
  const TrustedRoot *trusted_root = nullptr; // required for keyless bundles
  std::vector<TrustedKey> keys;              // for managed-key bundles
  std::vector<IdentityRule> identities;      // keyless: one must match
  std::time_t now = 0;                       // key windows when no time is proven
};

struct BundleReport {
  std::vector<std::string> failures; // reasons; empty = verified
  std::vector<std::string> checks;   // checks that passed
  std::vector<std::string> notes;    // ignored material (unknown TSA, witness lines...)
  std::string signer;                // "key prod-2025 (ecdsa-p256)" or "identity ... issuer ..."
  std::string key_name;              // managed key that verified, if any
  std::vector<int64_t> log_indexes;
  std::vector<std::time_t> verified_times;
  std::optional<Statement> statement; // DSSE in-toto payload, once its signature verified

  bool verified() const { return failures.empty(); }
};

// Errors are for unusable input (no trusted root for a keyless bundle...); verification
// problems are failures in the report.
Result<BundleReport> verify_bundle(const SigstoreBundle &bundle, const Artifact &artifact,
                                   const BundleVerifyOptions &options);

} // namespace relgate::sig
