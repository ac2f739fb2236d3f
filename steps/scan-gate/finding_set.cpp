#include "finding_set.hpp"
#include "text_hash.hpp"

#include <algorithm>
#include <cstring>

namespace relgate::scan
{

std::vector<uint32_t> &FindingSet::alias_list(Stored &kept)
{
  if (kept.aliases == 0) {
    m_alias_lists.emplace_back();
    kept.aliases = static_cast<uint32_t>(m_alias_lists.size());
  }
  return m_alias_lists[kept.aliases - 1];
}

void FindingSet::add_alias(Stored &kept, uint32_t alias)
{
  if (alias == kept.id)
    return;
  std::vector<uint32_t> &list = alias_list(kept);
  if (std::find(list.begin(), list.end(), alias) == list.end())
    list.push_back(alias);
}

void FindingSet::set_purl(Stored &stored, std::string_view purl, std::string_view version)
{
  // "@<version>" followed by the end, '?' (qualifiers) or '#' (subpath): split around it.
  if (!version.empty()) {
    for (std::size_t at = purl.find('@'); at != std::string_view::npos; at = purl.find('@', at + 1)) {
      const std::size_t end = at + 1 + version.size();
      if (purl.compare(at + 1, version.size(), version) == 0 &&
          (end == purl.size() || purl[end] == '?' || purl[end] == '#')) {
        stored.purl = m_strings.intern(purl.substr(0, at), m_last_purl_head);
        stored.purl_tail = m_strings.intern(purl.substr(end), m_last_purl_tail);
        stored.purl_split = true;
        return;
      }
    }
  }
  // Interned, not stored per finding: one component's purl can be named by thousands of findings
  // (CycloneDX affects[].ref), and a long one must not be copied into each (red-team finding).
  stored.purl = m_strings.intern(purl, m_last_purl_whole);
  stored.purl_tail = StringPool::empty;
  stored.purl_split = false;
}

// Strings compare as interned indices: equal text, equal index.
void FindingSet::merge(Stored &kept, const Finding &repeat)
{
  ++kept.occurrences;
  if (repeat.severity < kept.severity)
    kept.severity = repeat.severity;
  if (kept.fix != FixState::fixed && repeat.fix == FixState::fixed) {
    kept.fix = FixState::fixed;
    kept.fixed_version = m_strings.intern(repeat.fixed_version);
  } else if (kept.fix == FixState::unknown && repeat.fix != FixState::unknown) {
    kept.fix = repeat.fix;
  }
  if (kept.fixed_version == StringPool::empty)
    kept.fixed_version = m_strings.intern(repeat.fixed_version);
  if (repeat.cvss && (!kept.has_cvss || *repeat.cvss > kept.cvss)) {
    kept.cvss = *repeat.cvss;
    kept.has_cvss = true;
  }
  if (repeat.epss_in_report && (!kept.has_epss || *repeat.epss_in_report > kept.epss)) {
    kept.epss = *repeat.epss_in_report;
    kept.has_epss = true;
  }
  kept.kev_in_report = kept.kev_in_report || repeat.kev_in_report;
  if (kept.purl == StringPool::empty && !kept.purl_split)
    set_purl(kept, repeat.purl, m_strings.view(kept.version));
  // Suppressed by the report itself only when every occurrence says so.
  if (repeat.inline_vex.empty())
    kept.inline_vex = StringPool::empty;
  for (const auto &alias : repeat.aliases)
    add_alias(kept, m_ids.intern(alias));
  add_alias(kept, m_ids.intern(repeat.id));
}

FindingSet::KeyHashes FindingSet::key_hashes(const Finding &finding)
{
  KeyHashes hashes{text_hash(finding.id), text_hash(finding.package), text_hash(finding.version), 0};
  // Seeded (text_hash), so a report cannot choose findings that fill one cluster of the index
  // (red-team finding: an unseeded mix of string-pool handles, which a report decides, was 38x slower
  // at 40,000 findings and quadratic beyond). From the texts, not the handles, so it is known before
  // the texts are interned and the slot can be fetched early (prefetch).
  const uint64_t parts[3] = {hashes.id, hashes.package, hashes.version};
  char bytes[sizeof parts];
  std::memcpy(bytes, parts, sizeof parts);
  const uint64_t full = text_hash(std::string_view(bytes, sizeof bytes));
  hashes.key = static_cast<uint32_t>(full ^ (full >> 32));
  return hashes;
}

void FindingSet::prefetch(const Finding &finding) const
{
  const KeyHashes hashes = key_hashes(finding);
  m_index.prefetch(hashes.key);
  m_ids.prefetch(hashes.id);
}

void FindingSet::add(const Finding &finding, uint32_t report_index)
{
  ++m_records;
  const KeyHashes hashes = key_hashes(finding);
  // For readers that give no hint: the two lookups that miss the cache start together.
  m_index.prefetch(hashes.key);
  m_ids.prefetch(hashes.id);
  const uint32_t package = m_strings.intern_hashed(finding.package, hashes.package);
  const uint32_t version = m_strings.intern_hashed(finding.version, hashes.version);
  const uint32_t id = m_ids.intern_hashed(finding.id, hashes.id);
  const uint32_t position = static_cast<uint32_t>(m_findings.size());
  const uint32_t found = m_index.find_or_insert(hashes.key, position, [&](uint32_t at) {
    const Stored &kept = m_findings[at];
    return kept.id == id && kept.package == package && kept.version == version;
  });
  if (found != FlatIndex::absent) {
    merge(m_findings[found], finding);
    return;
  }
  Stored &stored = m_findings.emplace_back();
  stored.id = id;
  stored.package = package;
  stored.version = version;
  set_purl(stored, finding.purl, finding.version);
  stored.fixed_version = m_strings.intern(finding.fixed_version);
  stored.target = m_strings.intern(finding.target, m_last_target);
  stored.inline_vex = m_strings.intern(finding.inline_vex);
  // The first record's aliases as the reader gave them; merges add only new ones.
  for (const auto &alias : finding.aliases)
    alias_list(stored).push_back(m_ids.intern(alias));
  stored.report_index = report_index;
  stored.occurrences = 1;
  stored.has_cvss = finding.cvss.has_value();
  stored.cvss = finding.cvss.value_or(0);
  stored.has_epss = finding.epss_in_report.has_value();
  stored.epss = finding.epss_in_report.value_or(0);
  stored.severity = finding.severity;
  stored.fix = finding.fix;
  stored.kind = finding.kind;
  stored.kev_in_report = finding.kev_in_report;
}

void FindingSet::load(std::size_t index, Finding &out) const
{
  const Stored &s = m_findings[index];
  out.id.assign(m_ids.view(s.id));
  out.package.assign(m_strings.view(s.package));
  out.version.assign(m_strings.view(s.version));
  out.purl.assign(m_strings.view(s.purl));
  if (s.purl_split) {
    out.purl += '@';
    out.purl += m_strings.view(s.version);
    out.purl += m_strings.view(s.purl_tail);
  }
  out.fixed_version.assign(m_strings.view(s.fixed_version));
  out.target.assign(m_strings.view(s.target));
  if (s.aliases == 0) {
    out.aliases.clear();
  } else {
    const std::vector<uint32_t> &list = m_alias_lists[s.aliases - 1];
    out.aliases.resize(list.size());
    for (std::size_t i = 0; i < list.size(); ++i)
      out.aliases[i].assign(m_ids.view(list[i]));
  }
  load_facts_only(s, out);
}

void FindingSet::load_facts(std::size_t index, Finding &out) const
{
  out.id.clear();
  out.aliases.clear();
  out.package.clear();
  out.version.clear();
  out.purl.clear();
  out.fixed_version.clear();
  out.target.clear();
  load_facts_only(m_findings[index], out);
}

void FindingSet::load_facts_only(const Stored &s, Finding &out) const
{
  out.inline_vex.assign(m_strings.view(s.inline_vex));
  out.severity = s.severity;
  out.fix = s.fix;
  out.kind = s.kind;
  out.kev_in_report = s.kev_in_report;
  out.cvss = s.has_cvss ? std::optional<double>(s.cvss) : std::nullopt;
  out.epss_in_report = s.has_epss ? std::optional<double>(s.epss) : std::nullopt;
  out.report_index = s.report_index;
  out.occurrences = s.occurrences;
}

Finding FindingSet::at(std::size_t index) const
{
  Finding finding;
  load(index, finding);
  return finding;
}

} // namespace relgate::scan
