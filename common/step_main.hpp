// The shared life of every step executable, so a step only supplies options and a decision:
// parse flags -> run the step -> check the subject -> append the evidence record -> print the
// verdict (text/json) -> CI outputs (GitHub/GitLab) -> exit code. Errors fail closed (exit 2).
#pragma once

#include "cli_options.hpp"
#include "decision.hpp"
#include "digest.hpp"
#include "evidence.hpp"
#include "json.hpp"
#include "result.hpp"

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relgate
{

// Options every step has: --help --version --format --evidence --subject --policy, plus
// --env/--stage for the record's scope, and --no-color.
struct CommonOptions {
  std::string format = "text"; // text | json | anything the step adds (e.g. sarif, junit)
  std::string evidence_path;   // "" = decide and print only
  std::optional<Subject> subject;
  std::string policy_path; // "" = the step's default policy
  RecordScope scope;
  bool color = false; // TTY and no NO_COLOR
};

// One check for JUnit (one testcase each) and the GitHub summary table.
struct CheckResult {
  std::string name;
  bool passed = true;
  std::string message; // why it failed, or a short note
  // Not judged (no data): never shown as a pass; a skipped test case in JUnit. passed is false.
  bool inconclusive = false;
};

struct StepOutcome {
  Decision decision = Decision::error;
  std::vector<std::string> reasons; // short, actionable; the first ones are shown first
  JsonDocument summary = empty_object();
  std::vector<CheckResult> checks;
  std::vector<std::pair<std::string, std::string>> outputs; // extra GitHub outputs / GitLab dotenv
  std::optional<PolicyRef> policy;
  std::vector<FileRef> inputs;
  std::optional<Digest> judged_digest; // the artifact judged; must match the evidence subject
  std::string text_details;            // printed after the reasons in text format (tables)
  std::string custom_rendering;        // the whole stdout for a step-specific --format
  // A step that writes its own --format json (scan-gate streams every finding) gets the members
  // render_json would add once the record is appended: the note and the head, empty without one.
  std::function<std::string(const std::string &evidence_note, const std::string &evidence_head)> json_rendering;
  bool append_to_evidence = true;
};

// Where a step or a program (evidence, audit) prints: tests pass string streams.
struct StepIo {
  std::ostream &out;
  std::ostream &err;
};

struct StepContext {
  std::string step_name;
  ParsedArgs args;
  CommonOptions common; // a step may complete common.scope (e.g. the stage it chose); it is recorded
  StepIo io;
};

struct StepSpec {
  std::string name;                       // "scan-gate"
  std::string usage;                      // "scan-gate --report FILE [--report FILE ...] [options]"
  std::string description;                // one paragraph for --help
  std::vector<OptionSpec> options;        // step-specific ones
  std::vector<std::string> extra_formats; // beyond text and json
  std::string default_policy;             // file name under policies/ ("" = none)
  std::function<Result<StepOutcome>(StepContext &)> run;
};

// The whole program; main() is `return relgate::step_main(spec, argc, argv);`.
int step_main(const StepSpec &spec, int argc, const char *const *argv);

// A program that is not a step (evidence, audit: subcommands of their own) runs its main body here,
// so it fails closed the way a step does: an exception that escapes `body` is printed as
// "<program>: error: internal error: ..." and exits 2. step_main runs its step the same way.
int run_program(std::string_view program, const StepIo &io, const std::function<int()> &body);

// The finishing half, for tests and for steps that loop: records, prints, writes CI outputs.
int finish_step(const StepSpec &spec, const CommonOptions &common, Result<StepOutcome> outcome, const StepIo &io,
                const std::string &started_at, int64_t duration_ms);

// Where a step's default policy is found: $RELGATE_POLICY_DIR, then <exe>/../share/relgate/policies,
// then the source tree's policies/ (for a build that is not installed).
std::string default_policy_path(const std::string &file_name);

} // namespace relgate
