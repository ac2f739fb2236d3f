// What a step leaves for the CI system around it, so a step only supplies its decision:
// GitHub Actions: $GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY, ::error::/::notice:: annotations.
// GitLab CI: a dotenv report (RELGATE_<STEP>_DECISION=...) and a JUnit XML file per step.
#pragma once

#include "result.hpp"
#include "step_main.hpp"

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace relgate
{

// Workflow commands (escaped) on `annotations` (stderr, so stdout JSON stays valid), files named
// by the GITHUB_* variables through escaping writers.
Result<void> write_github_outputs(const std::string &step, const StepOutcome &outcome, std::ostream &annotations);
// Files in $RELGATE_REPORT_DIR (default "relgate-reports"): <step>.env and <step>.junit.xml.
Result<void> write_gitlab_outputs(const std::string &step, const StepOutcome &outcome);

// The one JUnit renderer (GitLab report files and scan-gate's --format junit): suite and
// classname "relgate.<step>", one testcase per check (or one "<step> decision" testcase when a
// step has no checks). `failure_details[i]`, when given and not empty, is the failure body of
// check i (scan-gate lists the findings behind it); otherwise the body is the check's message.
std::string render_junit(const std::string &step, const StepOutcome &outcome,
                         const std::vector<std::string> &failure_details = {});
std::string xml_escape(std::string_view text); // for attributes and text; control characters become spaces
std::string escape_workflow_command(const std::string &text, bool property);
std::string dotenv_key(const std::string &step, const std::string &name); // RELGATE_SCAN_GATE_DECISION
// Dotenv parsers differ on quotes, '#', '$', backslashes and blanks (GitLab, gitlab-ci-local's
// `dotenv`): anything beyond [A-Za-z0-9._:/@+,~_-] is percent-encoded, so no value ends early,
// spans lines or adds a variable. Digests, numbers and decisions stay as they are.
std::string dotenv_value(std::string_view value);

} // namespace relgate
