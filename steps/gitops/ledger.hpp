// The append-only per-environment ledger (relgate/<app>/<env>/ledger.jsonl): one JSON object per line,
// one line per promotion or rollback, sequence numbers strictly increasing. Reading the newest
// entry touches only the file's tail, so a ledger of any length costs the same.
#pragma once

#include "result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::gitops
{

struct LedgerEntry {
  int64_t seq = 0;
  std::string app;    // the application; "" in lines written before applications existed
  std::string action; // promote | rollback | drill (one line per live drill, outcome success | failed)
  std::string release_id;
  std::string digest;
  std::string image;
  int64_t weight = 0;          // percent of traffic after this action (100 = stable)
  std::string evidence_sha256; // "sha256:<hex>" of the evidence file, or ""
  std::vector<std::string> approvers;
  std::string actor;
  std::string time;    // RFC 3339
  std::string outcome; // canary | stable | rolled-back
  std::string reason;
  std::string rollback_of;    // release id rolled back (rollback only)
  std::string evidence_trust; // "signed", or "unsigned (allow_unsigned = true)"; "" = no evidence read
  std::string pinned_clock;   // the time --now pinned (RFC 3339); "" = the real clock
};

std::string ledger_line(const LedgerEntry &entry); // compact JSON + "\n"
Result<LedgerEntry> parse_ledger_line(std::string_view line, const std::string &where);

// A whole ledger's text, line by line: every line an entry, every seq >= 1 and greater than the
// one before (a repeated or backwards seq is a hand edit: refused, naming path:line).
Result<std::vector<LedgerEntry>> parse_ledger(std::string_view text, const std::string &path);

// The newest entry, reading at most the last 64 KiB; nullopt for a missing or empty ledger.
// Every whole line in that tail is parsed and must keep seq increasing, as in parse_ledger.
Result<std::optional<LedgerEntry>> read_last_ledger_entry(const std::string &path);
// Every entry, in file order (tests, audits).
Result<std::vector<LedgerEntry>> read_ledger(const std::string &path);

// The state file's ledger_seq must equal the newest ledger entry's seq before anything is
// appended: a mismatch means hand edits or files restored from different commits.
Result<void> check_ledger_matches_state(const std::string &repo, const std::string &app, const std::string &env,
                                        int64_t state_seq);

// Who runs this: GITHUB_ACTOR, GITLAB_USER_LOGIN, USER, else "unknown".
std::string current_actor();

} // namespace relgate::gitops
