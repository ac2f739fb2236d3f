// SARIF 2.1.0 from any scanner. Severity as GitHub code scanning derives it: the rule's (or the
// result's) `security-severity` score when present, else the level (error -> high, warning ->
// medium, note -> low; none and kind pass/informational/notApplicable are not findings). Results
// of a run are held until the run ends, because rules may come after results in the document.
#include "json_stream.hpp"
#include "report_reader.hpp"

#include <cmath>
#include <cstdlib>
#include <unordered_map>

namespace relgate::scan
{

namespace
{

enum Context {
  root = first_reader_context,
  runs,
  run,
  tool,
  driver,
  extensions,
  extension,
  rules,
  rule,
  rule_config,
  rule_props,
  results,
  result,
  message,
  locations,
  location,
  physical,
  artifact_location,
  result_props,
  result_rule,
  run_props,
  run_repo_digests
};

enum RunKey { run_tool, run_results, run_properties };
enum RunPropertyKey { rp_repo_digests, rp_image_name };
enum ToolKey { tool_driver, tool_extensions };
enum DriverKey { d_name, d_version, d_rules };
enum RuleKey { rule_id, rule_default, rule_properties };
enum ResultKey {
  res_rule_id,
  res_rule_index,
  res_level,
  res_kind,
  res_message,
  res_locations,
  res_properties,
  res_rule
};

struct SarifRule {
  std::string id;
  std::string level; // defaultConfiguration.level
  double security_severity = -1;
};

struct SarifResult {
  std::string rule_id;
  int64_t rule_index = -1;
  std::string level;
  std::string kind;
  std::string message;
  std::string uri;
  double security_severity = -1;
};

// "5.3" in a string (the spec and GitHub) or a bare number (some tools); -1 when absent (null or
// ""). NaN, infinities and scores outside 0..10 are bad data: -2, which the caller refuses.
double score_of(const JsonScalar &v)
{
  double score = -1;
  if (v.is_number()) {
    score = v.number;
  } else if (v.is_string() && !v.text.empty()) {
    std::string text(v.text);
    char *end = nullptr;
    score = std::strtod(text.c_str(), &end);
    if (!end || *end != '\0')
      return -2;
  } else {
    return v.type == JsonScalar::Type::null || v.is_string() ? -1 : -2;
  }
  return std::isfinite(score) && score >= 0 && score <= 10 ? score : -2;
}

// Trivy's message lines: "Package: musl\nInstalled Version: 1.1.22-r3\n...Fixed Version: 1.1.22-r4".
std::string message_field(const std::string &text, std::string_view label)
{
  std::size_t at = 0;
  while ((at = text.find(label, at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      std::size_t start = at + label.size();
      std::size_t end = text.find('\n', start);
      return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
    at += label.size();
  }
  return {};
}

class SarifWalker : public SaxWalker<SarifWalker>
{
public:
  SarifWalker(ReportInfo &info, const FindingSink &sink) : m_info(info), m_sink(sink) {}

  int child(int parent, int key, bool is_object)
  {
    switch (parent) {
    case context_document:
      return is_object ? root : fail_context("found a JSON array at the top; expected a SARIF log object");
    case root:
      if (key == 1) {
        m_seen_runs = true;
        return is_object ? fail_context("runs must be an array, found an object") : runs;
      }
      return context_skip;
    case runs:
      if (!is_object)
        return fail_context("runs[" + std::to_string(m_run_index) + "] must be an object");
      m_driver_rules.clear();
      m_extension_rules.clear();
      m_results.clear();
      return run;
    case run:
      if (key == run_tool && is_object)
        return tool;
      if (key == run_results)
        return is_object ? fail_context(where() + ".results must be an array, found an object") : results;
      if (key == run_properties && is_object)
        return run_props;
      return context_skip;
    case run_props:
      return key == rp_repo_digests && !is_object ? run_repo_digests : context_skip;
    case tool:
      if (key == tool_driver && is_object) {
        m_in_extension = false;
        return driver;
      }
      if (key == tool_extensions && !is_object)
        return extensions;
      return context_skip;
    case extensions:
      if (!is_object)
        return context_skip;
      m_in_extension = true;
      return extension;
    case driver:
    case extension:
      return key == d_rules && !is_object ? rules : context_skip;
    case rules:
      if (!is_object)
        return context_skip;
      (m_in_extension ? m_extension_rules : m_driver_rules).emplace_back();
      return rule;
    case rule:
      if (key == rule_default && is_object)
        return rule_config;
      if (key == rule_properties && is_object)
        return rule_props;
      return context_skip;
    case results:
      if (!is_object)
        return fail_context(where() + ".results[" + std::to_string(m_results.size()) + "] must be an object");
      m_results.emplace_back();
      return result;
    case result:
      if (key == res_message && is_object)
        return message;
      if (key == res_locations && !is_object)
        return locations;
      if (key == res_properties && is_object)
        return result_props;
      if (key == res_rule && is_object)
        return result_rule;
      return context_skip;
    case locations:
      return is_object ? location : context_skip;
    case location:
      return key == 0 && is_object ? physical : context_skip;
    case physical:
      return key == 0 && is_object ? artifact_location : context_skip;
    default:
      return context_skip;
    }
  }

  int key_id(int context, std::string_view key)
  {
    switch (context) {
    case root:
      return key_index(key, "version", "runs");
    case run:
      return key_index(key, "tool", "results", "properties");
    case run_props:
      return key_index(key, "repoDigests", "imageName");
    case tool:
      return key_index(key, "driver", "extensions");
    case driver:
    case extension:
      return key_index(key, "name", "version", "rules");
    case rule:
      return key_index(key, "id", "defaultConfiguration", "properties");
    case rule_config:
      return key_index(key, "level");
    case rule_props:
    case result_props:
      return key_index(key, "security-severity");
    case result:
      return key_index(key, "ruleId", "ruleIndex", "level", "kind", "message", "locations", "properties", "rule");
    case message:
      return key_index(key, "text");
    case location:
      return key_index(key, "physicalLocation");
    case physical:
      return key_index(key, "artifactLocation");
    case artifact_location:
      return key_index(key, "uri");
    case result_rule:
      return key_index(key, "id", "index");
    default:
      return no_key;
    }
  }

  bool value(int context, int key, const JsonScalar &v)
  {
    switch (context) {
    case root:
      if (key == 0 && v.is_string() && v.text != "2.1.0") {
        return fail("unsupported SARIF version '" + std::string(v.text) + "': scan-gate reads SARIF 2.1.0");
      }
      if (key == 1 && v.type != JsonScalar::Type::null)
        return fail("runs must be an array, found " + std::string(v.type_name()));
      return true;
    case runs:
      return fail("runs[" + std::to_string(m_run_index) + "] must be an object, found " + std::string(v.type_name()));
    case results:
      return fail(where() + ".results[" + std::to_string(m_results.size()) + "] must be an object, found " +
                  std::string(v.type_name()));
    case run_props:
      // Trivy's SARIF names the image in the run's properties (imageName, repoDigests).
      if (key == rp_image_name && v.is_string() && v.text.find('@') != std::string_view::npos)
        add_digest_claim(m_info, where() + ".properties.imageName", v.text);
      return true;
    case run_repo_digests: {
      const std::string field = where() + ".properties.repoDigests[" + std::to_string(m_repo_digest_index++) + "]";
      if (!v.is_string())
        return fail(field + " must be a string, found " + std::string(v.type_name()));
      add_digest_claim(m_info, field, v.text);
      return true;
    }
    case driver:
      if (key == d_name && v.is_string()) {
        std::string name(v.text);
        if (m_info.scanner.find(name) == std::string::npos) {
          m_info.scanner += (m_info.scanner.empty() ? "" : ", ") + name;
        }
      }
      return true;
    case rule:
      if (key == rule_id && v.is_string())
        current_rule().id.assign(v.text);
      return true;
    case rule_config:
      if (key == 0 && v.is_string())
        current_rule().level.assign(v.text);
      return true;
    case rule_props:
      if (key == 0) {
        current_rule().security_severity = score_of(v);
        if (current_rule().security_severity < -1)
          return fail(where() + " rule " + current_rule().id + ": security-severity must be a score from 0 to 10");
      }
      return true;
    case result: {
      SarifResult &r = m_results.back();
      if (key == res_rule_id && v.is_string())
        r.rule_id.assign(v.text);
      if (key == res_rule_index && v.integer)
        r.rule_index = *v.integer;
      if (key == res_level && v.is_string())
        r.level.assign(v.text);
      if (key == res_kind && v.is_string())
        r.kind.assign(v.text);
      return true;
    }
    case message:
      if (key == 0 && v.is_string())
        m_results.back().message.assign(v.text);
      return true;
    case artifact_location:
      if (key == 0 && v.is_string() && m_results.back().uri.empty())
        m_results.back().uri.assign(v.text);
      return true;
    case result_props:
      if (key == 0) {
        m_results.back().security_severity = score_of(v);
        if (m_results.back().security_severity < -1) {
          return fail(where() + ".results[" + std::to_string(m_results.size() - 1) +
                      "].properties.security-severity must be a score from 0 to 10");
        }
      }
      return true;
    case result_rule:
      if (key == 0 && v.is_string() && m_results.back().rule_id.empty())
        m_results.back().rule_id.assign(v.text);
      if (key == 1 && v.integer && m_results.back().rule_index < 0)
        m_results.back().rule_index = *v.integer;
      return true;
    default:
      return true;
    }
  }

  bool close(int context)
  {
    if (context == root && !m_seen_runs)
      return fail("not a SARIF log: the top-level runs[] array is missing");
    if (context == run) {
      bool ok = emit_run();
      ++m_run_index;
      m_repo_digest_index = 0;
      return ok;
    }
    return true;
  }

private:
  std::string where() const { return "runs[" + std::to_string(m_run_index) + "]"; }
  SarifRule &current_rule() { return (m_in_extension ? m_extension_rules : m_driver_rules).back(); }

  const SarifRule *find_rule(const SarifResult &r) const
  {
    if (r.rule_index >= 0 && static_cast<std::size_t>(r.rule_index) < m_driver_rules.size()) {
      return &m_driver_rules[static_cast<std::size_t>(r.rule_index)];
    }
    for (const auto *list : {&m_driver_rules, &m_extension_rules}) {
      for (const auto &candidate : *list) {
        if (candidate.id == r.rule_id)
          return &candidate;
      }
    }
    return nullptr;
  }

  bool emit_run()
  {
    for (std::size_t i = 0; i < m_results.size(); ++i) {
      const SarifResult &r = m_results[i];
      // SARIF 3.27.9: kind other than fail means the level is none; open/review still need a look.
      if (r.kind == "pass" || r.kind == "notApplicable" || r.kind == "informational")
        continue;
      const SarifRule *rule_found = find_rule(r);
      std::string id = !r.rule_id.empty() ? r.rule_id : (rule_found ? rule_found->id : std::string());
      if (id.empty()) {
        return fail(where() + ".results[" + std::to_string(i) + "]: no ruleId, rule.id or ruleIndex names the rule");
      }
      std::string level =
          !r.level.empty() ? r.level : (rule_found && !rule_found->level.empty() ? rule_found->level : "warning");
      if (level == "none")
        continue;
      double score = r.security_severity >= 0 ? r.security_severity : (rule_found ? rule_found->security_severity : -1);
      m_finding.clear();
      m_finding.id = id;
      if (score >= 0) {
        m_finding.severity = severity_from_score(score).value_or(Severity::unknown);
        m_finding.cvss = score;
      } else if (level == "error") {
        m_finding.severity = Severity::high;
      } else if (level == "warning") {
        m_finding.severity = Severity::medium;
      } else if (level == "note") {
        m_finding.severity = Severity::low;
      } else {
        if (m_info.unrecognised_severities++ == 0)
          m_info.first_unrecognised_severity = "level " + level;
        m_finding.severity = Severity::unknown;
      }
      m_finding.package = message_field(r.message, "Package: ");
      if (m_finding.package.empty())
        m_finding.package = r.uri.empty() ? "(no location)" : r.uri;
      m_finding.version = message_field(r.message, "Installed Version: ");
      m_finding.fixed_version = normalise_fixed_versions(message_field(r.message, "Fixed Version: "));
      m_finding.fix = m_finding.fixed_version.empty() ? FixState::unknown : FixState::fixed;
      m_finding.target = r.uri;
      ++m_info.records;
      if (std::string refused = deliver_finding(m_sink, m_finding); !refused.empty())
        return fail(where() + ".results[" + std::to_string(i) + "]: " + refused);
    }
    m_results.clear();
    return true;
  }

  ReportInfo &m_info;
  const FindingSink &m_sink;
  Finding m_finding;
  std::vector<SarifRule> m_driver_rules;
  std::vector<SarifRule> m_extension_rules;
  std::vector<SarifResult> m_results;
  bool m_in_extension = false;
  bool m_seen_runs = false;
  int64_t m_run_index = 0;
  int64_t m_repo_digest_index = 0;
};

} // namespace

Result<ReportInfo> read_sarif_report(ReportInput &input, const std::string &source_name, const FindingSink &sink)
{
  ReportInfo info;
  SarifWalker walker(info, sink);
  RELGATE_ASSIGN_OR_RETURN(info.sha256, walk_json(input, source_name, walker, "a SARIF 2.1.0 log (runs[])"));
  info.bytes = input.size();
  if (info.scanner.empty())
    info.scanner = "sarif";
  return info;
}

} // namespace relgate::scan
