// The verify-signature step: options, and run() turning inputs + policy into a decision.
#pragma once

#include "step_main.hpp"

namespace relgate::sig
{

StepSpec verify_signature_spec();
Result<StepOutcome> run_verify_signature(StepContext &context);

} // namespace relgate::sig
