#include "prom_writer.hpp"

#include <charconv>
#include <cmath>

namespace relgate::audit
{
namespace
{

bool valid_name(std::string_view name)
{
  if (name.empty())
    return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!letter && !(i > 0 && c >= '0' && c <= '9'))
      return false;
  }
  return true;
}

bool belongs(const std::string &name, const std::string &family, const std::string &type)
{
  if (name == family)
    return type != "histogram";
  if (type == "summary")
    return name == family + "_sum" || name == family + "_count";
  if (type == "histogram")
    return name == family + "_sum" || name == family + "_count" || name == family + "_bucket";
  return false;
}

} // namespace

std::string escape_prom_label_value(std::string_view value)
{
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escape_prom_help(std::string_view help)
{
  std::string out;
  for (char c : help) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_prom_number(double value)
{
  if (std::isnan(value))
    return "NaN";
  if (std::isinf(value))
    return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value); // shortest exact form
  return error == std::errc() ? std::string(buffer, end) : "NaN";
}

Result<void> PromWriter::family(const std::string &name, const std::string &type, std::string_view help)
{
  if (!valid_name(name))
    return make_error("prometheus output: invalid metric name '" + name + "'");
  if (type != "counter" && type != "gauge" && type != "summary" && type != "histogram" && type != "untyped")
    return make_error("prometheus output: unknown type '" + type + "' for " + name);
  if (!m_declared.insert(name).second)
    return make_error("prometheus output: metric family " + name + " declared twice");
  m_family = name;
  m_type = type;
  m_text += "# HELP " + name + " " + escape_prom_help(help) + "\n";
  m_text += "# TYPE " + name + " " + type + "\n";
  return ok_result();
}

Result<void> PromWriter::sample(const std::string &name, const PromLabels &labels, double value)
{
  if (m_family.empty() || !belongs(name, m_family, m_type))
    return make_error("prometheus output: sample " + name + " outside its family (declared: " + m_family + ")");
  std::string line = name;
  if (!labels.empty()) {
    line += "{";
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (!valid_name(labels[i].first) || labels[i].first.rfind("__", 0) == 0)
        return make_error("prometheus output: invalid label name '" + labels[i].first + "'");
      line += (i ? "," : "") + labels[i].first + "=\"" + escape_prom_label_value(labels[i].second) + "\"";
    }
    line += "}";
  }
  if (!m_series.insert(line).second)
    return make_error("prometheus output: duplicate series " + line);
  m_text += line + " " + format_prom_number(value) + "\n";
  return ok_result();
}

} // namespace relgate::audit
