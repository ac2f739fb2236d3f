// The one wrapper around Boost.Program_options (which throws): usage errors become Results
// (through call_catching, exception_boundary.hpp).
#include "cli_options.hpp"

#include "encoding.hpp"
#include "exception_boundary.hpp"

#include <boost/program_options.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace po = boost::program_options;

namespace relgate
{

OptionSpec flag_option(std::string name, std::string help)
{
  return OptionSpec{std::move(name), OptionSpec::Kind::flag, "", std::move(help), std::nullopt};
}

OptionSpec value_option(std::string name, std::string value_name, std::string help,
                        std::optional<std::string> default_value)
{
  return OptionSpec{std::move(name), OptionSpec::Kind::value, std::move(value_name), std::move(help),
                    std::move(default_value)};
}

OptionSpec repeated_option(std::string name, std::string value_name, std::string help)
{
  return OptionSpec{std::move(name), OptionSpec::Kind::repeated, std::move(value_name), std::move(help), std::nullopt};
}

namespace
{

po::options_description build_description(const std::vector<OptionSpec> &options)
{
  po::options_description description("Options");
  for (const auto &option : options) {
    const std::string &help = option.help;
    switch (option.kind) {
    case OptionSpec::Kind::flag:
      description.add_options()(option.name.c_str(), po::bool_switch(), help.c_str());
      break;
    case OptionSpec::Kind::value: {
      auto *semantic = po::value<std::string>()->value_name(option.value_name.empty() ? "ARG" : option.value_name);
      if (option.default_value)
        semantic->default_value(*option.default_value);
      description.add_options()(option.name.c_str(), semantic, help.c_str());
      break;
    }
    case OptionSpec::Kind::repeated:
      description.add_options()(option.name.c_str(),
                                po::value<std::vector<std::string>>()->composing()->value_name(
                                    option.value_name.empty() ? "ARG" : option.value_name),
                                help.c_str());
      break;
    }
  }
  return description;
}

Error option_error(const std::string &name, const std::string &what)
{
  return make_error("--" + name + ": " + what);
}

} // namespace

bool ParsedArgs::has(const std::string &name) const
{
  return m_values.count(name) != 0;
}

std::optional<std::string> ParsedArgs::value(const std::string &name) const
{
  const auto it = m_values.find(name);
  if (it == m_values.end() || it->second.empty())
    return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::values(const std::string &name) const
{
  const auto it = m_values.find(name);
  return it == m_values.end() ? std::vector<std::string>{} : it->second;
}

std::string ParsedArgs::value_or(const std::string &name, const std::string &fallback) const
{
  return value(name).value_or(fallback);
}

Result<std::optional<int64_t>> ParsedArgs::integer(const std::string &name, int64_t min, int64_t max) const
{
  const auto text = value(name);
  if (!text)
    return std::optional<int64_t>();
  // Digits only (a '-' first when negatives are allowed): strtoll alone would take " 10", "+10"
  // or "10\n" as 10, so a value could differ from what it looks like in a log or a record.
  bool plain = !text->empty() && text->size() <= 18;
  for (std::size_t i = 0; i < text->size() && plain; ++i) {
    const char c = (*text)[i];
    plain = (c >= '0' && c <= '9') || (c == '-' && i == 0 && min < 0 && text->size() > 1);
  }
  errno = 0;
  char *end = nullptr;
  const long long parsed = plain ? std::strtoll(text->c_str(), &end, 10) : 0;
  if (!plain || *end != '\0' || errno == ERANGE || parsed < min || parsed > max) {
    return option_error(name, "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                                  ", got '" + printable_excerpt(*text, 40) + "'");
  }
  return std::optional<int64_t>(parsed);
}

Result<std::optional<double>> ParsedArgs::number(const std::string &name) const
{
  const auto text = value(name);
  if (!text)
    return std::optional<double>();
  // A finite decimal only: strtod alone takes " 1", "nan", "inf" and "1e999" (HUGE_VAL), and a
  // NaN tolerance would pass every comparison the caller makes (fail closed).
  const bool plain = !text->empty() && text->find_first_not_of("0123456789.eE+-") == std::string::npos;
  errno = 0;
  char *end = nullptr;
  const double parsed = plain ? std::strtod(text->c_str(), &end) : 0;
  if (!plain || *end != '\0' || errno == ERANGE || !std::isfinite(parsed))
    return option_error(name, "expected a number, got '" + printable_excerpt(*text, 40) + "'");
  return std::optional<double>(parsed);
}

Result<std::optional<Duration>> ParsedArgs::duration(const std::string &name) const
{
  const auto text = value(name);
  if (!text)
    return std::optional<Duration>();
  auto parsed = parse_duration(*text);
  if (!parsed)
    return option_error(name, parsed.message());
  return std::optional<Duration>(*parsed);
}

Result<std::string> ParsedArgs::required(const std::string &name) const
{
  const auto text = value(name);
  if (!text || text->empty())
    return option_error(name, "is required");
  return *text;
}

Result<ParsedArgs> parse_command_line(int argc, const char *const *argv, const std::vector<OptionSpec> &options,
                                      bool allow_positional)
{
  const po::options_description description = build_description(options);
  po::options_description all = description;
  all.add_options()("relgate-positional", po::value<std::vector<std::string>>(), "");
  po::positional_options_description positional;
  positional.add("relgate-positional", -1);
  po::variables_map map;
  RELGATE_TRY(call_catching<po::error>(
      [&] {
        auto parser = po::command_line_parser(argc, argv)
                          .options(all)
                          .style(po::command_line_style::unix_style ^ po::command_line_style::allow_guessing);
        parser.positional(positional);
        po::store(parser.run(), map);
        po::notify(map);
      },
      [](const po::error &error) { return std::string(error.what()) + " (see --help)"; }));
  ParsedArgs args;
  for (const auto &option : options) {
    const auto it = map.find(option.name);
    if (it == map.end())
      continue;
    switch (option.kind) {
    case OptionSpec::Kind::flag:
      if (it->second.as<bool>())
        args.m_values[option.name] = {"true"};
      break;
    case OptionSpec::Kind::value:
      args.m_values[option.name] = {it->second.as<std::string>()};
      break;
    case OptionSpec::Kind::repeated:
      args.m_values[option.name] = it->second.as<std::vector<std::string>>();
      break;
    }
  }
  if (const auto it = map.find("relgate-positional"); it != map.end()) {
    args.positional = it->second.as<std::vector<std::string>>();
  }
  if (!allow_positional && !args.positional.empty()) {
    return make_error("unexpected argument '" + args.positional.front() + "' (options start with --; see --help)");
  }
  return args;
}

std::string format_options_help(const std::vector<OptionSpec> &options)
{
  std::ostringstream out;
  out << build_description(options);
  return out.str();
}

} // namespace relgate
