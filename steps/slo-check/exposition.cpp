#include "exposition.hpp"

#include "encoding.hpp"
#include "text_case.hpp"
#include "text_join.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace relgate::slo
{

namespace
{

bool is_name_start(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool is_name_char(char c)
{
  return is_name_start(c) || (c >= '0' && c <= '9');
}

// A cursor over one line, with where it is for messages (built only for an error: a scrape has
// millions of lines).
struct LineReader {
  std::string_view line;
  std::size_t pos = 0;
  const std::string &source_name;
  std::size_t line_number = 0;

  std::string where() const { return source_name + ":" + std::to_string(line_number); }

  bool at_end() const { return pos >= line.size(); }
  char peek() const { return at_end() ? '\0' : line[pos]; }
  void skip_spaces()
  {
    while (!at_end() && (line[pos] == ' ' || line[pos] == '\t'))
      ++pos;
  }
  Error error(const std::string &what) const
  {
    return make_error(where() + ": " + what + " (column " + std::to_string(pos + 1) + ")");
  }
  std::string_view name()
  {
    std::size_t start = pos;
    if (at_end() || !is_name_start(line[pos]))
      return {};
    while (!at_end() && is_name_char(line[pos]))
      ++pos;
    return line.substr(start, pos - start);
  }
  std::string_view token()
  {
    std::size_t start = pos;
    while (!at_end() && line[pos] != ' ' && line[pos] != '\t')
      ++pos;
    return line.substr(start, pos - start);
  }
};

Result<Labels> parse_labels(LineReader &reader)
{
  Labels labels;
  ++reader.pos; // '{'
  while (true) {
    reader.skip_spaces();
    if (reader.peek() == '}') {
      ++reader.pos;
      break;
    }
    std::string_view label_name = reader.name();
    if (label_name.empty())
      return reader.error("expected a label name or '}'");
    reader.skip_spaces();
    if (reader.peek() != '=')
      return reader.error("expected '=' after label name '" + std::string(label_name) + "'");
    ++reader.pos;
    reader.skip_spaces();
    if (reader.peek() != '"')
      return reader.error("expected '\"' to open the value of label '" + std::string(label_name) + "'");
    ++reader.pos;
    std::string value;
    bool closed = false;
    while (!reader.at_end()) {
      char c = reader.line[reader.pos++];
      if (c == '"') {
        closed = true;
        break;
      }
      if (c == '\\') {
        if (reader.at_end())
          break;
        char escaped = reader.line[reader.pos++];
        if (escaped == 'n')
          value += '\n';
        else if (escaped == '\\' || escaped == '"')
          value += escaped;
        else
          return reader.error("invalid escape '\\" + printable_excerpt(std::string_view(&escaped, 1)) +
                              "' in label value (allowed: \\\\, \\\", \\n)");
      } else {
        value += c;
      }
    }
    if (!closed)
      return reader.error("unterminated value of label '" + std::string(label_name) + "'");
    for (const auto &existing : labels) {
      if (existing.first == label_name)
        return reader.error("duplicate label '" + std::string(label_name) + "'");
    }
    labels.emplace_back(std::string(label_name), std::move(value));
    reader.skip_spaces();
    if (reader.peek() == ',') {
      ++reader.pos;
      continue;
    }
    if (reader.peek() == '}') {
      ++reader.pos;
      break;
    }
    return reader.error("expected ',' or '}' after a label value");
  }
  std::sort(labels.begin(), labels.end());
  return labels;
}

// A # TYPE family is kept when a kept sample name belongs to it ("x" for x_bucket, x_total, ...).
bool keeps_family(const ExpositionFilter &filter, std::string_view family)
{
  if (!filter.names)
    return true;
  return std::any_of(filter.names->begin(), filter.names->end(),
                     [&](const std::string &name) { return name.rfind(family, 0) == 0; });
}

Result<void> parse_comment(LineReader &reader, const ExpositionFilter &filter, Exposition &out)
{
  // "# TYPE name type", "# HELP name text", "# UNIT name unit", "# EOF"; other comments are ignored.
  ++reader.pos;
  reader.skip_spaces();
  std::string_view keyword = reader.token();
  if (keyword == "TYPE") {
    reader.skip_spaces();
    std::string_view family = reader.name();
    if (family.empty())
      return reader.error("# TYPE needs a metric name");
    reader.skip_spaces();
    std::string_view type = reader.token();
    static const char *known[] = {"counter", "gauge",   "histogram", "gaugehistogram", "summary",
                                  "untyped", "unknown", "info",      "stateset"};
    if (std::none_of(std::begin(known), std::end(known), [&](const char *k) { return type == k; })) {
      return reader.error("unknown metric type '" + printable_excerpt(type, 64) + "' for " + std::string(family));
    }
    if (keeps_family(filter, family))
      out.types[std::string(family)] = std::string(type);
  }
  return ok_result();
}

} // namespace

std::optional<double> parse_prometheus_float(std::string_view text)
{
  if (text.empty())
    return std::nullopt;
  std::string_view body = text;
  bool negative = false;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (ascii_iequals(body, "inf") || ascii_iequals(body, "infinity")) {
    return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (ascii_iequals(body, "nan"))
    return std::numeric_limits<double>::quiet_NaN();
  if (body.empty() || body[0] == '+' || body[0] == '-')
    return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec != std::errc() || end != body.data() + body.size())
    return std::nullopt;
  return negative ? -value : value;
}

std::string prometheus_value_text(double value)
{
  if (std::isnan(value))
    return "NaN";
  if (std::isinf(value))
    return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::string("?");
}

std::optional<std::string> label_value(const Labels &labels, std::string_view name)
{
  for (const auto &[key, value] : labels) {
    if (key == name)
      return value;
  }
  return std::nullopt;
}

std::string escape_label_value(std::string_view value)
{
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string series_key(const std::string &name, const Labels &labels)
{
  // Values escaped as the text format writes them: a quote inside a value cannot end it, so two
  // different label sets never share a key (names cannot hold '"', '=' or ',').
  return name + "{" +
         join(labels, ",",
              [](const auto &label) { return label.first + "=\"" + escape_label_value(label.second) + "\""; }) +
         "}";
}

Result<Exposition> parse_exposition(std::string_view text, const std::string &source_name,
                                    const ExpositionFilter &filter)
{
  Exposition out;
  std::size_t line_number = 0;
  std::size_t start = 0;
  bool saw_eof = false;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    LineReader reader{line, 0, source_name, line_number};
    reader.skip_spaces();
    if (reader.at_end())
      continue;
    if (saw_eof)
      return reader.error("content after '# EOF' (OpenMetrics ends there)");
    if (reader.peek() == '#') {
      std::string_view rest = line.substr(reader.pos);
      if (rest == "# EOF") {
        saw_eof = true;
        continue;
      }
      RELGATE_TRY(parse_comment(reader, filter, out));
      continue;
    }
    ExpositionSample sample;
    std::string_view name = reader.name();
    if (name.empty())
      return reader.error("expected a metric name");
    sample.name = std::string(name);
    if (reader.peek() == '{') {
      RELGATE_ASSIGN_OR_RETURN(sample.labels, parse_labels(reader));
    }
    if (reader.peek() != ' ' && reader.peek() != '\t')
      return reader.error("expected a space before the value of " + sample.name);
    reader.skip_spaces();
    std::string_view value_text = reader.token();
    auto value = parse_prometheus_float(value_text);
    if (!value)
      return reader.error("invalid value '" + printable_excerpt(value_text, 64) + "' for " + sample.name);
    sample.value = *value;
    reader.skip_spaces();
    if (!reader.at_end() && reader.peek() != '#') {
      std::string_view ts_text = reader.token();
      auto ts = parse_prometheus_float(ts_text);
      if (!ts || !std::isfinite(*ts))
        return reader.error("invalid timestamp '" + printable_excerpt(ts_text, 64) + "' for " + sample.name);
      sample.timestamp_ms = *ts; // scaled below once we know the format
      reader.skip_spaces();
    }
    // OpenMetrics exemplars (" # {trace_id=...} 1.0") follow a '#'; they are not samples.
    if (!reader.at_end() && reader.peek() != '#')
      return reader.error("unexpected text after the value of " + sample.name);
    if (sample.timestamp_ms && !(out.newest_timestamp_ms && *out.newest_timestamp_ms >= *sample.timestamp_ms))
      out.newest_timestamp_ms = sample.timestamp_ms;
    if (filter.names && filter.names->count(sample.name) == 0)
      continue; // checked, not kept
    if (out.samples.size() == filter.max_samples) {
      return make_error(reader.where() + ": more than " + std::to_string(filter.max_samples) +
                        " samples of the metrics the policy reads (the cap on series kept per scrape, against "
                        "memory exhaustion): drop labels from these metrics, or scrape a narrower endpoint");
    }
    out.samples.push_back(std::move(sample));
  }
  out.openmetrics = saw_eof;
  if (saw_eof) {
    for (auto &sample : out.samples) {
      if (sample.timestamp_ms)
        *sample.timestamp_ms *= 1000.0;
    }
    if (out.newest_timestamp_ms)
      *out.newest_timestamp_ms *= 1000.0;
  }
  return out;
}

} // namespace relgate::slo
