#include "finding.hpp"
#include "text_case.hpp"

#include <cctype>

namespace relgate::scan
{

namespace
{

std::string_view trim(std::string_view text)
{
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

} // namespace

std::string_view severity_name(Severity severity)
{
  switch (severity) {
  case Severity::critical:
    return "critical";
  case Severity::high:
    return "high";
  case Severity::medium:
    return "medium";
  case Severity::low:
    return "low";
  case Severity::negligible:
    return "negligible";
  case Severity::unknown:
    return "unknown";
  }
  return "unknown";
}

std::string_view fix_state_name(FixState state)
{
  switch (state) {
  case FixState::fixed:
    return "fixed";
  case FixState::not_fixed:
    return "not-fixed";
  case FixState::wont_fix:
    return "wont-fix";
  case FixState::unknown:
    return "unknown";
  }
  return "unknown";
}

std::string_view kind_name(FindingKind kind)
{
  switch (kind) {
  case FindingKind::vulnerability:
    return "vulnerability";
  case FindingKind::misconfiguration:
    return "misconfiguration";
  case FindingKind::secret:
    return "secret";
  }
  return "vulnerability";
}

std::optional<Severity> parse_severity(std::string_view text)
{
  text = trim(text);
  if (ascii_iequals(text, "critical"))
    return Severity::critical;
  if (ascii_iequals(text, "high"))
    return Severity::high;
  if (ascii_iequals(text, "medium") || ascii_iequals(text, "moderate"))
    return Severity::medium;
  if (ascii_iequals(text, "low"))
    return Severity::low;
  if (ascii_iequals(text, "negligible"))
    return Severity::negligible;
  if (text.empty() || ascii_iequals(text, "unknown") || ascii_iequals(text, "none"))
    return Severity::unknown;
  return std::nullopt;
}

Severity severity_or_unknown(std::string_view text, bool *unrecognised)
{
  auto parsed = parse_severity(text);
  if (unrecognised)
    *unrecognised = !parsed.has_value();
  return parsed.value_or(Severity::unknown);
}

FixState trivy_fix_state(std::string_view status, std::string_view fixed_version)
{
  if (status == "fixed")
    return FixState::fixed;
  if (status == "affected" || status == "fix_deferred")
    return FixState::not_fixed;
  if (status == "will_not_fix" || status == "end_of_life")
    return FixState::wont_fix;
  // Older reports have no Status: a FixedVersion is the only signal.
  if (status.empty() || status == "unknown") {
    return trim(fixed_version).empty() ? FixState::unknown : FixState::fixed;
  }
  return FixState::unknown; // under_investigation, not_affected, newer words
}

FixState grype_fix_state(std::string_view state)
{
  if (state == "fixed")
    return FixState::fixed;
  if (state == "not-fixed")
    return FixState::not_fixed;
  if (state == "wont-fix")
    return FixState::wont_fix;
  return FixState::unknown;
}

std::optional<Severity> severity_from_score(double score)
{
  if (score >= 9.0)
    return Severity::critical;
  if (score >= 7.0)
    return Severity::high;
  if (score >= 4.0)
    return Severity::medium;
  if (score > 0.0)
    return Severity::low;
  return std::nullopt;
}

std::string normalise_fixed_versions(std::string_view text)
{
  std::string joined;
  while (!text.empty()) {
    std::size_t comma = text.find(',');
    std::string_view part = trim(text.substr(0, comma));
    if (!part.empty()) {
      if (!joined.empty())
        joined += ", ";
      joined += part;
    }
    if (comma == std::string_view::npos)
      break;
    text.remove_prefix(comma + 1);
  }
  return joined;
}

std::string_view Finding::cve_id() const
{
  if (id.rfind("CVE-", 0) == 0)
    return id;
  for (const auto &alias : aliases) {
    if (alias.rfind("CVE-", 0) == 0)
      return alias;
  }
  return {};
}

bool Finding::has_id(std::string_view candidate) const
{
  if (id == candidate)
    return true;
  for (const auto &alias : aliases) {
    if (alias == candidate)
      return true;
  }
  return false;
}

std::string Finding::oversized_text() const
{
  const std::pair<const char *, const std::string *> texts[] = {
      {"id", &id},     {"package name", &package},        {"version", &version},
      {"purl", &purl}, {"fixed version", &fixed_version}, {"target", &target}};
  for (const auto &[name, text] : texts) {
    if (text->size() > max_finding_text_bytes) {
      return std::string(name) + " of " + std::to_string(text->size()) + " bytes";
    }
  }
  for (const auto &alias : aliases) {
    if (alias.size() > max_finding_text_bytes)
      return "alias of " + std::to_string(alias.size()) + " bytes";
  }
  return {};
}

void Finding::clear()
{
  id.clear();
  aliases.clear();
  package.clear();
  version.clear();
  purl.clear();
  fixed_version.clear();
  target.clear();
  inline_vex.clear();
  severity = Severity::unknown;
  fix = FixState::unknown;
  kind = FindingKind::vulnerability;
  kev_in_report = false;
  cvss.reset();
  epss_in_report.reset();
  report_index = 0;
  occurrences = 1;
}

} // namespace relgate::scan
