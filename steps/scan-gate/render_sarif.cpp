#include "render.hpp"

#include "text_join.hpp"
#include "utf8.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <cstdio>
#include <map>

namespace relgate::scan
{

namespace
{

// What GitHub shows, from the severity when no CVSS is known (Trivy's fallbacks).
double fallback_score(Severity severity)
{
  switch (severity) {
  case Severity::critical:
    return 9.5;
  case Severity::high:
    return 8.0;
  case Severity::medium:
    return 5.5;
  case Severity::low:
    return 2.0;
  default:
    return 0.0;
  }
}

const char *sarif_level(Severity severity)
{
  if (severity == Severity::critical || severity == Severity::high)
    return "error";
  if (severity == Severity::medium)
    return "warning";
  return "note";
}

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

// Bytes that are not UTF-8 become U+FFFD: code scanning refuses an upload that is not UTF-8.
void write_string(Writer &w, std::string_view text)
{
  const std::string valid = to_valid_utf8(text);
  w.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

} // namespace

std::string render_sarif(const ScanRun &run, const std::string &tool_version)
{
  const Evaluation &e = run.evaluation;
  // One rule per id, in first-seen order of the denying list.
  std::map<std::string, std::size_t> rule_index;
  std::vector<const JudgedFinding *> rule_owner;
  for (const auto &j : e.denying) {
    if (rule_index.emplace(j.finding->id, rule_owner.size()).second)
      rule_owner.push_back(&j);
  }

  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("$schema");
  w.String("https://json.schemastore.org/sarif-2.1.0.json");
  w.Key("version");
  w.String("2.1.0");
  w.Key("runs");
  w.StartArray();
  w.StartObject();
  w.Key("tool");
  w.StartObject();
  w.Key("driver");
  w.StartObject();
  w.Key("name");
  w.String("relgate scan-gate");
  w.Key("version");
  write_string(w, tool_version);
  w.Key("rules");
  w.StartArray();
  for (const JudgedFinding *owner : rule_owner) {
    const Finding &f = *owner->finding;
    char score[16];
    std::snprintf(score, sizeof score, "%.1f", f.cvss ? *f.cvss : fallback_score(f.severity));
    w.StartObject();
    w.Key("id");
    write_string(w, f.id);
    w.Key("shortDescription");
    w.StartObject();
    w.Key("text");
    write_string(w, f.id + " (" + std::string(severity_name(f.severity)) + ")");
    w.EndObject();
    w.Key("defaultConfiguration");
    w.StartObject();
    w.Key("level");
    w.String(sarif_level(f.severity));
    w.EndObject();
    w.Key("properties");
    w.StartObject();
    w.Key("security-severity");
    w.String(score);
    w.Key("tags");
    w.StartArray();
    w.String("security");
    write_string(w, kind_name(f.kind));
    write_string(w, severity_name(f.severity));
    w.EndArray();
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject(); // driver
  w.EndObject(); // tool
  w.Key("results");
  w.StartArray();
  for (const auto &j : e.denying) {
    const Finding &f = *j.finding;
    const std::string why = join(j.why, "; ");
    std::string uri = !f.target.empty() ? f.target : run.reports[f.report_index].path;
    w.StartObject();
    w.Key("ruleId");
    write_string(w, f.id);
    w.Key("ruleIndex");
    w.Uint64(rule_index[f.id]);
    w.Key("level");
    w.String(sarif_level(f.severity));
    w.Key("message");
    w.StartObject();
    w.Key("text");
    write_string(w,
                 "Package: " + f.package + "\nInstalled Version: " + f.version + "\nFixed Version: " + f.fixed_version +
                     "\nSeverity: " + std::string(severity_name(f.severity)) + "\nDenied by relgate scan-gate: " + why);
    w.EndObject();
    w.Key("locations");
    w.StartArray();
    w.StartObject();
    w.Key("physicalLocation");
    w.StartObject();
    w.Key("artifactLocation");
    w.StartObject();
    w.Key("uri");
    write_string(w, uri);
    w.EndObject();
    w.Key("region");
    w.StartObject();
    w.Key("startLine");
    w.Uint(1);
    w.EndObject();
    w.EndObject();
    w.EndObject();
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject(); // run
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

} // namespace relgate::scan
