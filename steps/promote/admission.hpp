// Admission checks: each a named check with its own reason, all evaluated (not first-failure)
// so a DENY lists everything to fix. Inputs are read by the caller; checks are pure.
#pragma once

#include "env_state.hpp"
#include "evidence.hpp"
#include "promotion_policy.hpp"
#include "release_index.hpp"
#include "step_main.hpp"
#include "time_util.hpp"

#include <optional>
#include <string>
#include <vector>

namespace relgate::promote
{

struct PromotionRequest {
  std::string env;
  int64_t target_weight = 100;
  std::vector<std::string> approvers; // --approved-by, as given
  bool override_freeze = false;
  std::string reason;
  // The digest already runs at 100% here: the checks still decide, but canary-stage and the
  // freeze window judge a change that does not happen.
  bool no_change = false;
};

// The evidence file's trust, established once per run (gitops/evidence_trust.hpp).
struct EvidenceCheck {
  // Ok: chain intact, every record signed by a trusted key, anchors present. Not checked yet
  // counts as untrusted, so a caller that forgets the check gets a DENY, not a pass.
  Result<void> trusted = make_error("the evidence was not checked (internal error)");
  bool unsigned_allowed = false; // no trusted key; the policy opted out with allow_unsigned
  std::size_t records = 0;
};

struct AdmissionInput {
  const PromotionPolicy &policy;
  const EnvPolicy &env_policy;
  const EvidenceFile &evidence;
  const EvidenceCheck &chain;
  const std::optional<gitops::EnvState> &current;    // this environment, if promoted before
  const gitops::KnownGoodIndex &upstream_known_good; // of env_policy.after (empty if none)
  const gitops::ReleasesIndex &releases;
  TimePoint now;
  const PromotionRequest &request;
};

struct AdmissionReport {
  std::vector<CheckResult> checks;
  std::vector<std::string> valid_approvers; // from the allow-list, deduplicated
  bool freeze_overridden = false;
  bool passed() const;
  std::vector<std::string> failure_reasons() const;
};

AdmissionReport run_admission_checks(const AdmissionInput &input);

// The canary weight to move to when --stage is not given: the stage after the current canary of
// this digest, else the first stage. nullopt: the digest already runs at 100%.
std::optional<int64_t> next_stage_weight(const EnvPolicy &env, const std::optional<gitops::EnvState> &current,
                                         const std::string &digest);

// "ghcr.io/acme/api" -> "ghcr.io"; Docker Hub short names -> "docker.io".
std::string image_registry(const std::string &image);
bool glob_match(std::string_view pattern, std::string_view text);

} // namespace relgate::promote
