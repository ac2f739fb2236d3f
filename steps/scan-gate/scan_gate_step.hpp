// scan-gate as a relgate step: options, the run, and the outcome step_main records and prints.
#pragma once

#include "scan_run.hpp"
#include "step_main.hpp"

#include <memory>

namespace relgate::scan
{

StepSpec scan_gate_spec();
Result<StepOutcome> run_scan_gate(StepContext &context);
// The outcome of a finished run, for a given output format (text, json, sarif, junit).
// Shared: the json rendering runs after the step returns (once the evidence record exists).
StepOutcome outcome_from_run(const std::shared_ptr<const ScanRun> &shared_run, const std::string &format);

} // namespace relgate::scan
