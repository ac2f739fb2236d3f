// The slo-check step: options, source set-up, the measurement loop and the record's summary.
#pragma once

#include "step_main.hpp"

namespace relgate::slo
{

StepSpec slo_check_spec();
Result<StepOutcome> run_slo_check(StepContext &context);

} // namespace relgate::slo
