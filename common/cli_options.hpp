// Command-line parsing. Boost.Program_options is wrapped here once; steps declare options as
// data and read them through ParsedArgs, which never throws.
#pragma once

#include "duration.hpp"
#include "result.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace relgate
{

struct OptionSpec {
  enum class Kind { flag, value, repeated };
  std::string name; // long name without dashes: "report"
  Kind kind = Kind::value;
  std::string value_name; // "FILE" in --help
  std::string help;
  std::optional<std::string> default_value;
};

OptionSpec flag_option(std::string name, std::string help);
OptionSpec value_option(std::string name, std::string value_name, std::string help,
                        std::optional<std::string> default_value = std::nullopt);
OptionSpec repeated_option(std::string name, std::string value_name, std::string help);

class ParsedArgs
{
public:
  bool has(const std::string &name) const; // flag set, or value given (or defaulted)
  std::optional<std::string> value(const std::string &name) const;
  std::vector<std::string> values(const std::string &name) const;
  std::string value_or(const std::string &name, const std::string &fallback) const;

  // Typed reads with errors that name the option: "--window: expected a duration like 30s".
  Result<std::optional<int64_t>> integer(const std::string &name, int64_t min, int64_t max) const;
  Result<std::optional<double>> number(const std::string &name) const;
  Result<std::optional<Duration>> duration(const std::string &name) const;
  Result<std::string> required(const std::string &name) const;

  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> m_values;
};

// Unknown options, missing values and repeated single options are usage errors.
Result<ParsedArgs> parse_command_line(int argc, const char *const *argv, const std::vector<OptionSpec> &options,
                                      bool allow_positional = false);
std::string format_options_help(const std::vector<OptionSpec> &options);

} // namespace relgate
