// Merging findings across targets and reports: one finding per (vulnerability id, package name,
// installed version), as the policy's [max] counts them.
#pragma once

#include "finding.hpp"

#include <cstdint>
#include <deque>
#include <unordered_map>
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

  // A deque: no doubling slack and no copy on growth (memory stays near the findings' own size),
  // and references stay valid as it grows.
  const std::deque<Finding> &findings() const { return m_findings; }
  std::size_t records_added() const { return m_records; }

private:
  std::deque<Finding> m_findings;
  // hash of (id, package, version) -> first position with that hash; m_next_same_hash chains
  // the (rare) others, told apart by the fields.
  std::unordered_map<uint64_t, uint32_t> m_index;
  std::vector<uint32_t> m_next_same_hash;
  std::size_t m_records = 0;
};

void merge_into(Finding &kept, const Finding &repeat);

} // namespace relgate::scan
