#include "finding_set.hpp"

#include <algorithm>

namespace relgate::scan {

void merge_into(Finding& kept, const Finding& repeat)
{
  ++kept.occurrences;
  if (repeat.severity < kept.severity) kept.severity = repeat.severity;
  if (kept.fix != FixState::fixed && repeat.fix == FixState::fixed) {
    kept.fix = FixState::fixed;
    kept.fixed_version = repeat.fixed_version;
  } else if (kept.fix == FixState::unknown && repeat.fix != FixState::unknown) {
    kept.fix = repeat.fix;
  }
  if (kept.fixed_version.empty()) kept.fixed_version = repeat.fixed_version;
  if (repeat.cvss && (!kept.cvss || *repeat.cvss > *kept.cvss)) kept.cvss = repeat.cvss;
  if (repeat.epss_in_report && (!kept.epss_in_report || *repeat.epss_in_report > *kept.epss_in_report)) {
    kept.epss_in_report = repeat.epss_in_report;
  }
  kept.kev_in_report = kept.kev_in_report || repeat.kev_in_report;
  if (kept.purl.empty()) kept.purl = repeat.purl;
  // Suppressed by the report itself only when every occurrence says so.
  if (repeat.inline_vex.empty()) kept.inline_vex.clear();
  for (const auto& alias : repeat.aliases) {
    if (alias != kept.id && std::find(kept.aliases.begin(), kept.aliases.end(), alias) == kept.aliases.end()) {
      kept.aliases.push_back(alias);
    }
  }
  if (repeat.id != kept.id && std::find(kept.aliases.begin(), kept.aliases.end(), repeat.id) == kept.aliases.end()) {
    kept.aliases.push_back(repeat.id);
  }
}

void FindingSet::add(const Finding& finding, uint32_t report_index)
{
  ++m_records;
  m_key.clear();
  m_key.append(finding.id).append(1, '\x1f').append(finding.package).append(1, '\x1f').append(finding.version);
  auto [slot, inserted] = m_index.try_emplace(m_key, static_cast<uint32_t>(m_findings.size()));
  if (!inserted) {
    merge_into(m_findings[slot->second], finding);
    return;
  }
  m_findings.push_back(finding);
  m_findings.back().report_index = report_index;
  m_findings.back().occurrences = 1;
}

} // namespace relgate::scan
