// One commit per promotion or rollback, with trailers `git interpret-trailers` can read:
// Relgate-App, Relgate-Release, Relgate-Env, Relgate-Digest, Relgate-Evidence, Relgate-Action (+ Stage,
// Rollback-Of, Pinned-Clock). The ledger is the index; the trailers make `git log` self-explanatory.
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
  std::string evidence;     // "sha256:<hex>" of the evidence file, or "none"
  std::string action;       // promote | rollback
  std::string weight;       // canary percent, "" = not shown
  std::string rollback_of;  // "" = not shown
  std::string pinned_clock; // the time --now pinned; "" = not shown (the real clock)
  std::string app;          // the application; "" = not shown
};

// "<title>\n\n<body lines>\n\nRelgate-Release: ...". The title, every body line and every trailer
// value go through message_line: data (a reason, an approver, an image name) can never start a
// line of its own, so it can neither add a trailer nor end the paragraph the trailers are in.
std::string commit_message(std::string_view title, const std::vector<std::string> &body_lines,
                           const CommitTrailers &trailers);

// One line of a commit message: CR, LF, other control bytes and DEL are written as \n, \r, \xHH.
std::string message_line(std::string_view text);

// Trailers ("Key: value" lines of the last paragraph) of a commit message, keyed by name.
std::map<std::string, std::string> parse_trailers(std::string_view message);

} // namespace relgate::gitops
