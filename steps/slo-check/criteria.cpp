#include "criteria.hpp"

#include <utility>

#include <iterator>

#include <charconv>
#include <cmath>
#include <cstdio>

namespace relgate::slo
{

namespace
{

std::string_view trim(std::string_view text)
{
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

std::string format_number(double value)
{
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.4g", value);
  return buffer;
}

} // namespace

Result<Criterion> parse_criterion(std::string_view text)
{
  Criterion criterion;
  criterion.text = std::string(text);
  const std::string expected =
      "criterion '" + criterion.text +
      "': expected <, <=, =, >= or > and a number, e.g. \"<= 500ms\", \"< 1%\" or \"<= +10%\" (relative)";
  std::string_view rest = trim(text);
  if (rest.rfind("<=", 0) == 0) {
    criterion.comparator = Comparator::less_equal;
    rest.remove_prefix(2);
  } else if (rest.rfind(">=", 0) == 0) {
    criterion.comparator = Comparator::greater_equal;
    rest.remove_prefix(2);
  } else if (rest.rfind("==", 0) == 0) {
    criterion.comparator = Comparator::equal;
    rest.remove_prefix(2);
  } else if (!rest.empty() && (rest[0] == '<' || rest[0] == '>' || rest[0] == '=')) {
    criterion.comparator = rest[0] == '<' ? Comparator::less : rest[0] == '>' ? Comparator::greater : Comparator::equal;
    rest.remove_prefix(1);
  } else {
    return make_error(expected);
  }
  rest = trim(rest);
  double sign = 1;
  if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
    criterion.relative = true;
    sign = rest[0] == '-' ? -1 : 1;
    rest.remove_prefix(1);
  }
  double scale = 1;
  bool bytes = false;
  for (const auto &[suffix, factor] : {std::pair<std::string_view, double>{"TiB", 1099511627776.0},
                                       {"GiB", 1073741824.0},
                                       {"MiB", 1048576.0},
                                       {"KiB", 1024.0},
                                       {"B", 1.0}}) {
    if (rest.size() > suffix.size() && rest.substr(rest.size() - suffix.size()) == suffix) {
      scale = factor;
      bytes = true;
      rest.remove_suffix(suffix.size());
      break;
    }
  }
  if (bytes) {
    // a size: no further suffix
  } else if (rest.size() >= 2 && rest.substr(rest.size() - 2) == "ms") {
    scale = 0.001;
    rest.remove_suffix(2);
  } else if (!rest.empty() && rest.back() == 's') {
    rest.remove_suffix(1);
  } else if (!rest.empty() && rest.back() == '%') {
    criterion.percent = true;
    rest.remove_suffix(1);
  }
  rest = trim(rest);
  double number = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), number);
  if (rest.empty() || ec != std::errc() || end != rest.data() + rest.size() || !std::isfinite(number) || number < 0) {
    return make_error(expected);
  }
  if (criterion.relative) {
    criterion.amount = sign * number * scale; // percent stays in percent: applied to the reference
  } else {
    criterion.amount = criterion.percent ? number / 100.0 : number * scale;
  }
  return criterion;
}

std::optional<double> criterion_threshold(const Criterion &criterion, std::optional<double> reference)
{
  if (!criterion.relative)
    return criterion.amount;
  if (!reference || std::isnan(*reference))
    return std::nullopt;
  if (criterion.percent)
    return *reference * (100.0 + criterion.amount) / 100.0;
  return *reference + criterion.amount;
}

bool compare(double value, Comparator comparator, double threshold)
{
  // No criterion holds for a non-number (a relative threshold can overflow): bad data never passes.
  if (!std::isfinite(value) || !std::isfinite(threshold))
    return false;
  switch (comparator) {
  case Comparator::less:
    return value < threshold;
  case Comparator::less_equal:
    return value <= threshold;
  case Comparator::equal:
    return value == threshold;
  case Comparator::greater_equal:
    return value >= threshold;
  case Comparator::greater:
    return value > threshold;
  }
  return false;
}

std::string_view negated_comparator_text(Comparator comparator)
{
  switch (comparator) {
  case Comparator::less:
    return ">=";
  case Comparator::less_equal:
    return ">";
  case Comparator::equal:
    return "!=";
  case Comparator::greater_equal:
    return "<";
  case Comparator::greater:
    return "<=";
  }
  return "?";
}

namespace
{

// "8.2 GiB", "10 GiB", "512 B": one decimal unless whole, in the largest unit that is >= 1.
std::string format_bytes(double value)
{
  static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  std::size_t unit = 0;
  double scaled = value;
  while (std::fabs(scaled) >= 1024.0 && unit + 1 < std::size(units)) {
    scaled /= 1024.0;
    ++unit;
  }
  char text[64];
  if (scaled == std::floor(scaled))
    std::snprintf(text, sizeof text, "%.0f %s", scaled, units[unit]);
  else
    std::snprintf(text, sizeof text, "%.1f %s", scaled, units[unit]);
  return text;
}

} // namespace

std::string format_value(double value, Unit unit)
{
  if (!std::isfinite(value))
    return "(not a number)"; // never reached by judged values (check_readings); never "nan"/"inf"
  switch (unit) {
  case Unit::seconds:
    return format_number(value * 1000.0) + " ms";
  case Unit::ratio:
    return format_number(value * 100.0) + "%";
  case Unit::per_second:
    return format_number(value) + " req/s";
  case Unit::number:
    return format_number(value);
  case Unit::bytes:
    return format_bytes(value);
  }
  return format_number(value);
}

std::string_view unit_name(Unit unit)
{
  switch (unit) {
  case Unit::seconds:
    return "seconds";
  case Unit::ratio:
    return "ratio";
  case Unit::per_second:
    return "per_second";
  case Unit::number:
    return "number";
  case Unit::bytes:
    return "bytes";
  }
  return "number";
}

} // namespace relgate::slo
