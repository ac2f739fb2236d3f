// promote: moves the evidence file's subject digest into an environment of a GitOps repository,
// one canary stage at a time, when every admission check passes; one commit per promotion.
#pragma once

#include "step_main.hpp"

namespace relgate::promote
{

StepSpec promote_spec();
Result<StepOutcome> run_promote(StepContext &context);

} // namespace relgate::promote
