// One transparency-log entry, offline: known log, body matches the bundle, inclusion promise
// (SET, Rekor v1) and/or inclusion proof with a signed checkpoint (Rekor v1 and v2).
#pragma once

#include "result.hpp"
#include "sigstore_bundle.hpp"
#include "tlog_body.hpp"
#include "trusted_root.hpp"

#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace relgate::sig
{

struct TlogEntryReport {
  std::string log_url;
  std::optional<std::time_t> verified_time; // integratedTime proven by a SET
  TimeRange log_valid_for;                  // checked later against timestamps when no SET
  std::vector<std::string> checks;          // "set", "inclusion-proof", "checkpoint", "log-body"
};

Result<TlogEntryReport> verify_tlog_entry(const TlogEntry &entry, int bundle_minor_version, const TrustedRoot &root,
                                          const ExpectedBody &expected);

} // namespace relgate::sig
