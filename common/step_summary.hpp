// The Markdown a step appends to $GITHUB_STEP_SUMMARY: the decision, the reasons, the checks table.
#pragma once

#include "step_main.hpp"

#include <cstddef>
#include <string>

namespace relgate
{

// GitHub drops a step's whole summary over 1 MiB ("upload aborted"), and the decision with it.
// A step writes at most this much: the decision line always, then the reasons (the one that
// does not fit is cut, later ones counted), then table rows while they fit, then a line saying
// what was left out.
constexpr std::size_t step_summary_limit = 512 * 1024;

std::string render_step_summary(const std::string &step, const StepOutcome &outcome,
                                std::size_t limit = step_summary_limit);

} // namespace relgate
