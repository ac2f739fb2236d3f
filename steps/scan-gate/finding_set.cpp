#include "finding_set.hpp"

#include <algorithm>

namespace relgate::scan
{

void merge_into(Finding &kept, const Finding &repeat)
{
  ++kept.occurrences;
  if (repeat.severity < kept.severity)
    kept.severity = repeat.severity;
  if (kept.fix != FixState::fixed && repeat.fix == FixState::fixed) {
    kept.fix = FixState::fixed;
    kept.fixed_version = repeat.fixed_version;
  } else if (kept.fix == FixState::unknown && repeat.fix != FixState::unknown) {
    kept.fix = repeat.fix;
  }
  if (kept.fixed_version.empty())
    kept.fixed_version = repeat.fixed_version;
  if (repeat.cvss && (!kept.cvss || *repeat.cvss > *kept.cvss))
    kept.cvss = repeat.cvss;
  if (repeat.epss_in_report && (!kept.epss_in_report || *repeat.epss_in_report > *kept.epss_in_report)) {
    kept.epss_in_report = repeat.epss_in_report;
  }
  kept.kev_in_report = kept.kev_in_report || repeat.kev_in_report;
  if (kept.purl.empty())
    kept.purl = repeat.purl;
  // Suppressed by the report itself only when every occurrence says so.
  if (repeat.inline_vex.empty())
    kept.inline_vex.clear();
  for (const auto &alias : repeat.aliases) {
    if (alias != kept.id && std::find(kept.aliases.begin(), kept.aliases.end(), alias) == kept.aliases.end()) {
      kept.aliases.push_back(alias);
    }
  }
  if (repeat.id != kept.id && std::find(kept.aliases.begin(), kept.aliases.end(), repeat.id) == kept.aliases.end()) {
    kept.aliases.push_back(repeat.id);
  }
}

namespace
{
constexpr uint32_t no_next = UINT32_MAX;
} // namespace

void FindingSet::add(const Finding &finding, uint32_t report_index)
{
  ++m_records;
  std::hash<std::string_view> hash;
  uint64_t key = hash(finding.id);
  key = key * 0x9e3779b97f4a7c15ULL ^ hash(finding.package);
  key = key * 0x9e3779b97f4a7c15ULL ^ hash(finding.version);
  const uint32_t position = static_cast<uint32_t>(m_findings.size());
  auto [slot, inserted] = m_index.try_emplace(key, position);
  if (!inserted) {
    uint32_t at = slot->second;
    while (true) {
      Finding &kept = m_findings[at];
      if (kept.id == finding.id && kept.package == finding.package && kept.version == finding.version) {
        merge_into(kept, finding);
        return;
      }
      if (m_next_same_hash[at] == no_next)
        break;
      at = m_next_same_hash[at];
    }
    m_next_same_hash[at] = position; // a different finding with the same hash: chain it
  }
  m_next_same_hash.push_back(no_next);
  m_findings.push_back(finding);
  m_findings.back().report_index = report_index;
  m_findings.back().occurrences = 1;
}

} // namespace relgate::scan
