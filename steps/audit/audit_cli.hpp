// `audit`: reads the GitOps ledger and state, evidence files and health history and writes a
// report (summary | markdown | prom | json | html). It makes no decision and appends nothing:
// exit 0 with a report, 2 on any bad input (naming the file, the field and the fix).
#pragma once

#include "step_main.hpp"

namespace relgate::audit
{

int run_audit_cli(int argc, const char *const *argv, const StepIo &io);

} // namespace relgate::audit
