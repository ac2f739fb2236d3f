// How a step's outcome is shown: a text verdict for people, stable JSON for machines.
#pragma once

#include "step_main.hpp"

#include <string>

namespace relgate
{

// "scan-gate: DENY" then "  - reason" lines, then the step's details. Colour only when asked.
std::string render_text(const std::string &step, const StepOutcome &outcome, bool color);
// {"step","decision","reasons","summary","checks", "evidence"?}: stable keys.
std::string render_json(const std::string &step, const StepOutcome &outcome, const std::string &evidence_note);

} // namespace relgate
