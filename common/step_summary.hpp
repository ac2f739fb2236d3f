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

// Several runs in one GitHub step append to one summary file, and the 1 MiB is the file's: a write
// may add at most min(512 KiB, 1 MiB - 64 KiB - what the file holds already), 0 past that.
constexpr std::size_t github_summary_cap = 1024 * 1024;
constexpr std::size_t github_summary_headroom = 64 * 1024;
std::size_t step_summary_budget(std::size_t current_size);

// The summary in at most `budget` bytes: rendered to that bound, else the decision line alone
// (saying the rest was left out), else "" (not even the decision line fits: write nothing).
std::string fit_step_summary(const std::string &step, const StepOutcome &outcome, std::size_t budget);

} // namespace relgate
