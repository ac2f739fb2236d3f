// Criteria such as "<= 500ms", "< 1%" (absolute) and "<= +10%", "<= +50ms" (relative to a
// reference: the baseline, or the last ALLOWed value). A leading sign marks a relative criterion.
#pragma once

#include "result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace relgate::slo
{

enum class Unit { seconds, ratio, per_second, number, bytes };

enum class Comparator { less, less_equal, equal, greater_equal, greater };

struct Criterion {
  std::string text; // as written
  Comparator comparator = Comparator::less_equal;
  bool relative = false;
  bool percent = false; // relative: a percentage of the reference
  double amount = 0;    // absolute: the threshold (base unit); relative: the signed change
};

// Units: "ms", "s" (seconds), "%" (ratio / 100 when absolute), "B", "KiB", "MiB", "GiB", "TiB"
// (bytes, powers of 1024). Errors say what is expected.
Result<Criterion> parse_criterion(std::string_view text);

// The threshold for this criterion; nullopt when it is relative and there is no reference.
std::optional<double> criterion_threshold(const Criterion &criterion, std::optional<double> reference);
bool compare(double value, Comparator comparator, double threshold);

std::string_view negated_comparator_text(Comparator comparator); // "<=" -> ">"

// "742 ms", "2.3%", "12.5 req/s", "0.25", "8.2 GiB".
std::string format_value(double value, Unit unit);
std::string_view unit_name(Unit unit);

} // namespace relgate::slo
