// scan-gate as a relgate step: options, the run, and the outcome step_main records and prints.
#pragma once

#include "scan_run.hpp"
#include "step_main.hpp"

namespace relgate::scan
{

StepSpec scan_gate_spec();
Result<StepOutcome> run_scan_gate(StepContext &context);
// The outcome of a finished run, for a given output format (text, json, sarif, junit).
StepOutcome outcome_from_run(const ScanRun &run, const std::string &format);

} // namespace relgate::scan
