// Plans one promotion against the repository as it is now: reads the environment's files, runs
// the admission checks and, when they pass, produces the files of the new state (state, Component,
// rendered templates, known-good index, release index) and the ledger line. Called again after
// every non-fast-forward push, so checks always see the newest head.
#pragma once

#include "admission.hpp"
#include "env_state.hpp"
#include "publish.hpp"
#include "release_index.hpp"

#include <optional>
#include <string>

namespace relgate::promote
{

struct PlanInputs {
  std::string repo;
  std::string app; // every file read and written is under relgate/<app>/
  const PromotionPolicy &policy;
  const EnvPolicy &env_policy;
  const EvidenceFile &evidence;
  const EvidenceCheck &chain;
  std::string evidence_sha256; // "sha256:<hex>"
  PromotionRequest request;    // target_weight 0 = next stage
  TimePoint now;
};

struct PromotionPlan {
  AdmissionReport admission;
  std::optional<gitops::EnvState> before;
  gitops::EnvState after;
  std::string release_id;
  int64_t weight = 0;
  bool no_change = false;                      // the digest already runs at 100% here
  std::optional<gitops::PlannedCommit> commit; // set when admitted and something changes
};

Result<PromotionPlan> plan_promotion(const PlanInputs &inputs);

} // namespace relgate::promote
