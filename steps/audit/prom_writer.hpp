// The one way audit writes Prometheus text exposition format 0.0.4: a metric family is declared
// once (HELP, TYPE) before its samples, label values are escaped (\\, \", \n), HELP text too
// (\\, \n), numbers are written exactly (NaN, +Inf, -Inf as the format spells them), and the text
// ends with a newline.
#pragma once

#include "result.hpp"

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace relgate::audit
{

using PromLabels = std::vector<std::pair<std::string, std::string>>;

std::string escape_prom_label_value(std::string_view value);
std::string escape_prom_help(std::string_view help);
std::string format_prom_number(double value);

class PromWriter
{
public:
  // type: counter | gauge | summary | histogram | untyped. A family declared twice is a bug of
  // the caller: the second declaration is refused (samples would be split in two groups).
  Result<void> family(const std::string &name, const std::string &type, std::string_view help);
  // name is the family name or, for summaries and histograms, name_sum / name_count / name_bucket.
  // The sample must belong to the family declared last.
  Result<void> sample(const std::string &name, const PromLabels &labels, double value);
  const std::string &str() const { return m_text; }

private:
  std::string m_text;
  std::string m_family;
  std::string m_type;
  std::set<std::string> m_declared;
  std::set<std::string> m_series; // name + labels: a duplicate series is refused
};

} // namespace relgate::audit
