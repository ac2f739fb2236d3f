// The CISA Known Exploited Vulnerabilities catalogue (JSON feed), looked up by CVE id.
#pragma once

#include "result.hpp"

#include <string>
#include <string_view>
#include <unordered_map>

namespace relgate::scan
{

struct KevEntry {
  std::string date_added;
  std::string due_date;
  bool ransomware = false; // knownRansomwareCampaignUse == "Known"
};

struct KevCatalog {
  std::string catalog_version; // "2025.08.25": recorded in the evidence
  std::string date_released;
  std::size_t count = 0;
  std::unordered_map<std::string, KevEntry> by_cve;

  const KevEntry *find(std::string_view cve) const;
};

// Strict: catalogVersion and vulnerabilities[] with a cveID in each entry are required.
Result<KevCatalog> parse_kev(std::string_view text, const std::string &source_name);

} // namespace relgate::scan
