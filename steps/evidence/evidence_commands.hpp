// The `evidence` executable's subcommands: each is data (options, usage) plus a run function,
// so tests can call them without a process.
#pragma once

#include "cli_options.hpp"
#include "result.hpp"
#include "step_main.hpp"

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace relgate::evidence_cli
{

struct Subcommand {
  std::string name;
  std::string usage;
  std::string description;
  std::vector<OptionSpec> options;
  bool takes_positional = false;
  // Returns the exit code; an Error means exit 2 with "evidence: error: <message>".
  std::function<Result<int>(const ParsedArgs &, const StepIo &)> run;
};

Subcommand init_command();
Subcommand show_command();
Subcommand verify_command();
Subcommand merge_command();
Subcommand append_command();

// Every public key in every file (a file may hold several PEM blocks); an unusable key is an error.
Result<std::vector<std::string>> read_trusted_key_files(const std::vector<std::string> &paths);

// --format text|json (the only two the subcommands print).
OptionSpec format_option();
Result<std::string> read_format(const ParsedArgs &args);

// The whole program: `evidence SUBCOMMAND [options]`.
int run_evidence_cli(int argc, const char *const *argv, const StepIo &io);

} // namespace relgate::evidence_cli
