#include "slo_history.hpp"

#include "digest.hpp"
#include "env_name.hpp"
#include "evidence_json_fields.hpp"
#include "file_io.hpp"
#include "json.hpp"

#include <cmath>

namespace relgate::audit
{
namespace
{

// History files grow by one line per sample; a year of samples every 30 s is about 200 MB, more
// than a report should read: rotate the file.
constexpr std::size_t max_history_bytes = 256u << 20;

Result<std::optional<double>> optional_number(const JsonValue &doc, std::string_view key, const std::string &where,
                                              double max)
{
  const JsonValue *value = find_member(doc, key);
  if (!value || value->IsNull())
    return std::optional<double>();
  if (!value->IsNumber() || !std::isfinite(value->GetDouble()) || value->GetDouble() < 0 || value->GetDouble() > max) {
    return make_error(where + ": \"" + std::string(key) + "\" must be null or a number from 0 to " +
                      std::to_string(static_cast<int64_t>(max)));
  }
  return std::optional<double>(value->GetDouble());
}

Result<std::string> optional_string(const JsonValue &doc, std::string_view key, const std::string &where)
{
  const JsonValue *value = find_member(doc, key);
  if (!value || value->IsNull())
    return std::string();
  if (!value->IsString())
    return make_error(where + ": \"" + std::string(key) + "\" must be null or a string");
  return std::string(value->GetString(), value->GetStringLength());
}

} // namespace

Result<HistorySample> parse_history_line(std::string_view line, const std::string &where)
{
  RELGATE_ASSIGN_OR_RETURN(JsonDocument doc, parse_json(line, where));
  if (!doc.IsObject())
    return make_error(where + ": expected one JSON object per line (slo-check --history writes them)");
  RELGATE_TRY(check_object_keys(doc, where,
                                {"schema", "at", "env", "stage", "subject", "decision", "error_rate",
                                 "latency_p50_seconds", "latency_p99_seconds", "reasons"}));
  RELGATE_ASSIGN_OR_RETURN(std::string schema, required_string(doc, "schema", where));
  if (schema != slo_history_schema) {
    return make_error(where + ": schema \"" + printable_excerpt(schema) + "\" is not " +
                      std::string(slo_history_schema) + " (pass a file slo-check --history wrote)");
  }
  HistorySample sample;
  RELGATE_ASSIGN_OR_RETURN(sample.at, required_string(doc, "at", where));
  auto time = parse_rfc3339(sample.at);
  if (!time)
    return make_error(where + ": \"at\": " + time.message());
  sample.time = *time;
  RELGATE_ASSIGN_OR_RETURN(sample.env, optional_string(doc, "env", where));
  if (!sample.env.empty()) {
    if (auto valid = validate_env_name(sample.env); !valid)
      return make_error(where + ": \"env\": " + valid.message());
  }
  if (const JsonValue *stage = find_member(doc, "stage"); stage && !stage->IsNull()) {
    if (!stage->IsInt64() || stage->GetInt64() < 0 || stage->GetInt64() > 100)
      return make_error(where + ": \"stage\" must be null or an integer percent 0..100");
    sample.stage = stage->GetInt64();
  }
  RELGATE_ASSIGN_OR_RETURN(sample.subject, optional_string(doc, "subject", where));
  if (!sample.subject.empty()) {
    if (auto digest = parse_digest(sample.subject); !digest)
      return make_error(where + ": \"subject\": " + digest.message());
  }
  RELGATE_ASSIGN_OR_RETURN(std::string decision, required_string(doc, "decision", where));
  auto parsed = parse_decision(decision);
  if (!parsed)
    return make_error(where + ": \"decision\": expected ALLOW, DENY, INCONCLUSIVE or ERROR");
  sample.decision = *parsed;
  RELGATE_ASSIGN_OR_RETURN(sample.error_rate, optional_number(doc, "error_rate", where, 1));
  RELGATE_ASSIGN_OR_RETURN(sample.latency_p50_seconds, optional_number(doc, "latency_p50_seconds", where, 1e9));
  RELGATE_ASSIGN_OR_RETURN(sample.latency_p99_seconds, optional_number(doc, "latency_p99_seconds", where, 1e9));
  if (const JsonValue *reasons = find_member(doc, "reasons"); reasons) {
    if (!reasons->IsArray())
      return make_error(where + ": \"reasons\" must be an array of strings");
    for (const auto &item : reasons->GetArray()) {
      if (!item.IsString())
        return make_error(where + ": \"reasons\" must be an array of strings");
      sample.reasons.emplace_back(item.GetString(), item.GetStringLength());
    }
  }
  return sample;
}

Result<HistoryFile> parse_history(std::string_view text, const std::string &path)
{
  HistoryFile file;
  file.path = path;
  std::size_t start = 0;
  std::size_t number = 1;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (!line.empty()) {
      RELGATE_ASSIGN_OR_RETURN(HistorySample sample, parse_history_line(line, path + ":" + std::to_string(number)));
      file.samples.push_back(std::move(sample));
    }
    start = end + 1;
    ++number;
  }
  return file;
}

Result<HistoryFile> load_history(const std::string &path)
{
  RELGATE_ASSIGN_OR_RETURN(std::string text, read_file(path, max_history_bytes));
  return parse_history(text, path);
}

} // namespace relgate::audit
