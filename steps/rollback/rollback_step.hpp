// rollback: returns an environment to its last known-good release (or --to), by hand, only when
// the newest slo-check for it is DENY (--if-denied), or as a timed drill in a scratch clone.
// Always a new forward commit; the bad release is marked rejected so automation never re-promotes it.
#pragma once

#include "step_main.hpp"

namespace relgate::rollback
{

StepSpec rollback_spec();
Result<StepOutcome> run_rollback(StepContext &context);

} // namespace relgate::rollback
