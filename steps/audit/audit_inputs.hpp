// What audit reads, validated: the GitOps repository (every application's environments, their
// state and ledger, each application's releases index), evidence files (chain verified, signatures too with trusted
// keys) and slo-check
// --watch history files. Every problem is an error naming the file, the field and the fix.
#pragma once

#include "env_state.hpp"
#include "evidence.hpp"
#include "ledger.hpp"
#include "release_index.hpp"
#include "result.hpp"
#include "slo_history.hpp"
#include "time_util.hpp"

#include <map>
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

// One environment of one application: relgate/<app>/<env>/, or relgate/<env>/ in the
// single-application layout of older repositories (legacy), read so their history stays
// auditable; there the application is named by the image it holds (as promote's default).
struct AppEnv {
  std::string app; // "" for a legacy folder until its state or ledger names the image
  std::string env;
  bool legacy = false;
};

struct EnvInput {
  std::string app; // "" only for a legacy folder with no image recorded
  std::string env;
  bool legacy = false;
  std::optional<gitops::EnvState> state;
  std::vector<gitops::LedgerEntry> ledger;
};

struct AuditInputs {
  std::string repo;       // "" = no repository (summary only)
  std::string env_filter; // --env, "" = every environment
  std::string app_filter; // --app, "" = every application
  std::vector<EnvInput> envs;
  std::map<std::string, gitops::ReleasesIndex> releases; // by app (each has its own release ids)
  std::vector<EvidenceInput> evidence;
  std::vector<HistoryFile> history;
  TimePoint now;
};

struct InputOptions {
  std::string repo;
  std::string env;
  std::string app;
  std::vector<std::string> evidence_paths;
  std::vector<std::string> history_paths;
  std::vector<std::string> trusted_key_paths;
};

// Reads and validates everything; the first problem is the error.
Result<AuditInputs> load_audit_inputs(const InputOptions &options, TimePoint now);

// The environments of a repository: folders relgate/<app>/<env>/ (and relgate/<env>/ of the
// single-application layout) with a state.json or a ledger.jsonl, sorted by app then env.
Result<std::vector<AppEnv>> list_environments(const std::string &repo);
// relgate/<app>/<env> (relgate/<env> for a legacy folder), relative to the repository.
std::string app_env_dir(const AppEnv &where);
// "api/prod" ("prod" without an application): how messages name an environment.
std::string app_env_label(const AppEnv &where);
// The last path component of an image name: ghcr.io/acme/api -> api (promote's default --app).
std::string app_of_image(const std::string &image);

// The application an evidence file belongs to: the "app" its newest promote or rollback record
// names, else the last path component of the subject's repository (ghcr.io/acme/api -> api),
// the default promote and rollback use.
std::string evidence_app(const EvidenceFile &file);

// Checks the fields audit relies on beyond what the ledger parser does: a known action, an RFC 3339
// time, a weight 0..100, rollback_of on rollbacks.
Result<void> validate_ledger_entry(const gitops::LedgerEntry &entry, const std::string &where);

// Checks the summaries audit reads (promote, rollback, drill, slo-check health figures).
Result<void> validate_record_for_audit(const EvidenceRecord &record, const std::string &where);

} // namespace relgate::audit
