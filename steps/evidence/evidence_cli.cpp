// Dispatch to a subcommand, and the program-level --help / --version.
#include "evidence_commands.hpp"

#include "decision.hpp"
#include "evidence.hpp"
#include "time_util.hpp"
#include "version.hpp"

#include <ostream>

namespace relgate::evidence_cli
{
namespace
{

std::vector<Subcommand> all_subcommands()
{
  return {init_command(), show_command(), verify_command(), merge_command(), append_command()};
}

void print_program_help(std::ostream &out)
{
  out << "Usage: evidence SUBCOMMAND [options]\n\n"
         "The relgate evidence file: one subject digest and an append-only, hash-chained list of\n"
         "decision records (docs/evidence.md).\n\nSubcommands:\n";
  for (const auto &command : all_subcommands()) {
    out << "  " << command.usage << "\n";
  }
  out << "\nRun `evidence SUBCOMMAND --help` for a subcommand's options.\n"
         "Exit codes: 0 success (verify: chain intact), 1 verify: chain broken, 2 error.\n";
}

void print_command_help(const Subcommand &command, std::ostream &out)
{
  out << "Usage: " << command.usage << "\n\n" << command.description << "\n\n" << format_options_help(command.options);
}

} // namespace

OptionSpec format_option()
{
  return value_option("format", "FORMAT", "output format: text or json", "text");
}

Result<std::vector<std::string>> read_trusted_key_files(const std::vector<std::string> &paths)
{
  std::vector<std::string> pems;
  for (const auto &path : paths) {
    RELGATE_ASSIGN_OR_RETURN(std::vector<std::string> keys, read_public_key_pems(path));
    pems.insert(pems.end(), keys.begin(), keys.end());
  }
  return pems;
}

Result<std::string> read_format(const ParsedArgs &args)
{
  std::string format = args.value_or("format", "text");
  if (format != "text" && format != "json") {
    return make_error("--format: expected text or json, got '" + format + "'");
  }
  return format;
}

int run_evidence_cli(int argc, const char *const *argv, const StepIo &io)
{
  if (argc < 2) {
    print_program_help(io.err);
    return exit_error;
  }
  const std::string first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    print_program_help(io.out);
    return exit_allow;
  }
  if (first == "--version") {
    io.out << "evidence (relgate) " << relgate_version() << "\n";
    return exit_allow;
  }
  for (auto &command : all_subcommands()) {
    if (command.name != first)
      continue;
    command.options.push_back(flag_option("help", "show this help"));
    command.options.push_back(value_option("now", "TIME", "pin the clock to this RFC 3339 time (tests)"));
    // The subcommand name stands in for argv[0].
    auto args = parse_command_line(argc - 1, argv + 1, command.options, command.takes_positional);
    if (!args) {
      io.err << "evidence " << command.name << ": error: " << args.message() << "\n";
      return exit_error;
    }
    if (args->has("help")) {
      print_command_help(command, io.out);
      return exit_allow;
    }
    Result<int> result = exit_error;
    if (auto clock = refuse_clock_environment(); !clock)
      result = clock.error();
    else if (auto pinned = args->value("now") ? pin_clock(*args->value("now")) : ok_result(); !pinned)
      result = pinned.error();
    else
      result = command.run(*args, io);
    if (!result) {
      io.err << "evidence: error: " << result.message() << "\n";
      return exit_error;
    }
    return *result;
  }
  io.err << "evidence: error: unknown subcommand '" << first
         << "' (expected init, show, verify, merge or append; see evidence --help)\n";
  return exit_error;
}

} // namespace relgate::evidence_cli
