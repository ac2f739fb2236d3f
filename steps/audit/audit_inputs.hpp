// What audit reads, validated: the GitOps repository (every environment's state and ledger, the
// releases index), evidence files (chain verified, signatures too with trusted keys) and slo-check
// --watch history files. Every problem is an error naming the file, the field and the fix.
#pragma once

#include "env_state.hpp"
#include "evidence.hpp"
#include "ledger.hpp"
#include "release_index.hpp"
#include "result.hpp"
#include "slo_history.hpp"
#include "time_util.hpp"

#include <optional>
#include <string>
#include <vector>

namespace relgate::audit
{

struct EvidenceInput {
  std::string path;
  std::string sha256; // hex of the file's bytes
  EvidenceFile file;
  std::string source_commit_time; // header release.source_commit_time, "" when absent
  std::size_t signed_records = 0;
  bool signatures_checked = false; // every record verified against a trusted key
};

struct EnvInput {
  std::string env;
  std::optional<gitops::EnvState> state;
  std::vector<gitops::LedgerEntry> ledger;
};

struct AuditInputs {
  std::string repo;       // "" = no repository (summary only)
  std::string env_filter; // --env, "" = every environment
  std::vector<EnvInput> envs;
  gitops::ReleasesIndex releases;
  std::vector<EvidenceInput> evidence;
  std::vector<HistoryFile> history;
  TimePoint now;
};

struct InputOptions {
  std::string repo;
  std::string env;
  std::vector<std::string> evidence_paths;
  std::vector<std::string> history_paths;
  std::vector<std::string> trusted_key_paths;
};

// Reads and validates everything; the first problem is the error.
Result<AuditInputs> load_audit_inputs(const InputOptions &options, TimePoint now);

// The environments of a repository: folders relgate/<env>/ with a state.json or a ledger.jsonl.
Result<std::vector<std::string>> list_environments(const std::string &repo);

// Checks the fields audit relies on beyond what the ledger parser does: a known action, an RFC 3339
// time, a weight 0..100, rollback_of on rollbacks.
Result<void> validate_ledger_entry(const gitops::LedgerEntry &entry, const std::string &where);

// Checks the summaries audit reads (promote, rollback, drill, slo-check health figures).
Result<void> validate_record_for_audit(const EvidenceRecord &record, const std::string &where);

} // namespace relgate::audit
