// Merging findings across targets and reports: one finding per (vulnerability id, package name,
// installed version), as the policy's [max] counts them.
//
// Kept compact, because a dense report holds a quarter of a million distinct findings: each is a
// fixed 72-byte record of indices into two StringPools (ids, packages, versions, targets repeat a
// lot and are stored once), and the dedup index is a flat, seeded hash of the three key texts. A full
// `Finding` is rebuilt on demand (load / at) for the policy and for the findings a format prints.
#pragma once

#include "finding.hpp"
#include "flat_index.hpp"
#include "string_pool.hpp"

#include <cstdint>
#include <deque>
#include <vector>

namespace relgate::scan
{

class FindingSet
{
public:
  // A repeat keeps the first record and merges into it: the worst severity any scanner gave its
  // primary record (fail closed when Trivy and Grype disagree), a fix if any report knows one,
  // the highest CVSS and EPSS, KEV if any report says so, the union of aliases.
  void add(const Finding &finding, uint32_t report_index);
  // A hint a reader gives once a record's id, package and version are read: starts loading the
  // index slots add() will look up for them, so the memory waits overlap the parse of the rest of
  // the record (a dense report's indexes do not fit the CPU's cache). Changes nothing.
  void prefetch(const Finding &finding) const;

  std::size_t size() const { return m_findings.size(); }
  std::size_t records_added() const { return m_records; }

  // The finding at `index` (first-seen order), written into `out` so a loop reuses its buffers.
  void load(std::size_t index, Finding &out) const;
  // The same without the texts a finding is named by (ids, aliases, package, version, purl,
  // fixed version, target: left empty): what a policy needs when no input matches by name.
  void load_facts(std::size_t index, Finding &out) const;
  Finding at(std::size_t index) const;

  // Single fields without rebuilding the finding (sorting, counting).
  Severity severity(std::size_t index) const { return m_findings[index].severity; }
  std::string_view id(std::size_t index) const { return m_ids.view(m_findings[index].id); }
  std::string_view package(std::size_t index) const { return m_strings.view(m_findings[index].package); }

private:
  struct Stored {
    uint32_t id = 0, package = 0, version = 0, fixed_version = 0, target = 0, inline_vex = 0;
    // A purl that names the finding's version ("pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64") is kept
    // as its two interned ends around "@<version>" (they repeat across versions and packages);
    // any other purl whole (interned), in `purl` with purl_tail 0 and purl_split false.
    uint32_t purl = 0, purl_tail = 0;
    uint32_t aliases = 0; // 1 + index into m_alias_lists; 0 = none
    uint32_t report_index = 0;
    uint32_t occurrences = 1;
    double cvss = 0, epss = 0;
    Severity severity = Severity::unknown;
    FixState fix = FixState::unknown;
    FindingKind kind = FindingKind::vulnerability;
    bool kev_in_report = false, has_cvss = false, has_epss = false, purl_split = false;
  };

  // The seeded hashes of a finding's key texts, and of the three together (the dedup index's).
  struct KeyHashes {
    uint64_t id, package, version;
    uint32_t key;
  };
  static KeyHashes key_hashes(const Finding &finding);

  void merge(Stored &kept, const Finding &repeat);
  void load_facts_only(const Stored &stored, Finding &out) const; // all but the texts load_facts clears
  void set_purl(Stored &stored, std::string_view purl, std::string_view version);
  std::vector<uint32_t> &alias_list(Stored &kept);
  void add_alias(Stored &kept, uint32_t alias);

  // Ids and aliases (a dense report has ~125,000) apart from the rest (packages, versions,
  // purls, targets: a few thousand, looked up several times per record), so the index of the
  // texts that repeat most stays small enough for the CPU's cache.
  StringPool m_ids;
  StringPool m_strings;
  StringPool::Last m_last_target, m_last_purl_head, m_last_purl_tail, m_last_purl_whole;
  std::deque<Stored> m_findings; // a deque: no doubling slack, no copy on growth
  std::deque<std::vector<uint32_t>> m_alias_lists;
  FlatIndex m_index; // key_hashes().key of (id, package, version) -> position in m_findings
  std::size_t m_records = 0;
};

} // namespace relgate::scan
