// What promote and rollback trust in an evidence file before acting on it: every record signed by
// a trusted key (the policy's [evidence] trusted_keys and --trusted-key), the chain intact, and
// every head the pipeline saw (--expect-evidence-head) still in the file. Unsigned evidence is
// accepted only with the explicit, loud [evidence] allow_unsigned = true.
#pragma once

#include "evidence.hpp"
#include "policy.hpp"
#include "result.hpp"

#include <string>
#include <vector>

namespace relgate::gitops
{

struct EvidencePolicy {
  std::vector<std::string> trusted_key_paths; // resolved against the policy's folder
  bool allow_unsigned = false;
};

// Reads (and consumes) the [evidence] table of a promotion policy: trusted_keys, allow_unsigned.
Result<EvidencePolicy> read_evidence_policy(PolicyTable &root, const std::string &policy_path);
// For rollback, which reads nothing else of promotion.toml: only its [evidence] table.
Result<EvidencePolicy> load_evidence_policy(const std::string &policy_path);

struct EvidenceTrust {
  std::vector<std::string> key_pems; // every PEM block of every key file
  std::vector<std::string> key_paths;
  bool allow_unsigned = false; // true only when no key is configured and the policy opted out
};

// Loads every key file (each may hold several PEM blocks, all used). An unusable file is a policy
// error naming it. No key at all is an error saying how to configure one, unless allow_unsigned.
Result<EvidenceTrust> load_evidence_trust(const EvidencePolicy &policy, const std::string &policy_path,
                                          const std::vector<std::string> &cli_key_paths, const std::string &step);

// The warning printed on every unsigned run and recorded in the record summary and the ledger.
std::string unsigned_evidence_warning(const std::string &policy_path);

// Ok when the evidence may be acted on; otherwise an error saying why not (broken chain, unsigned
// records, a record signed by an unknown key, a missing anchor) and how to fix it.
Result<void> check_evidence_trust(const EvidenceFile &evidence, const EvidenceTrust &trust,
                                  const std::vector<std::string> &expected_heads);

// --expect-evidence-head values: "sha256:<64 hex>".
Result<void> validate_evidence_head_ids(const std::vector<std::string> &ids);

// RELGATE_EVIDENCE_KEY, when set, must sign: checked before anything is committed or pushed, so
// a bad key cannot fail the evidence append after the change already landed.
Result<void> check_evidence_signing_key();

} // namespace relgate::gitops
