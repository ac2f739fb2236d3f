// One commit per promotion or rollback, with trailers `git interpret-trailers` can read:
// Relgate-Release, Relgate-Env, Relgate-Digest, Relgate-Evidence, Relgate-Action (+ Stage,
// Rollback-Of). The ledger is the index; the trailers make `git log` self-explanatory.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relgate::gitops
{

struct CommitTrailers {
  std::string release_id;
  std::string env;
  std::string digest;
  std::string evidence;    // "sha256:<hex>" of the evidence file, or "none"
  std::string action;      // promote | rollback
  std::string weight;      // canary percent, "" = not shown
  std::string rollback_of; // "" = not shown
};

// "<title>\n\n<body>\n\nRelgate-Release: ...". Newlines in title/body lines are kept; the trailer
// values come from validated data (ids, digests) and never contain newlines.
std::string commit_message(std::string_view title, std::string_view body, const CommitTrailers &trailers);

// Trailers ("Key: value" lines of the last paragraph) of a commit message, keyed by name.
std::map<std::string, std::string> parse_trailers(std::string_view message);

} // namespace relgate::gitops
