#include "kev.hpp"

#include "json.hpp"

#include <cctype>

namespace relgate::scan
{

namespace
{

// ^CVE-\d{4}-\d{4,19}$ as the KEV schema says.
bool is_cve_id(std::string_view id)
{
  if (id.size() < 13 || id.size() > 28 || id.substr(0, 4) != "CVE-" || id[8] != '-')
    return false;
  for (std::size_t i = 4; i < id.size(); ++i) {
    if (i == 8)
      continue;
    if (!std::isdigit(static_cast<unsigned char>(id[i])))
      return false;
  }
  return true;
}

} // namespace

const KevEntry *KevCatalog::find(std::string_view cve) const
{
  if (cve.empty())
    return nullptr;
  auto found = by_cve.find(std::string(cve));
  return found == by_cve.end() ? nullptr : &found->second;
}

Result<KevCatalog> parse_kev(std::string_view text, const std::string &source_name)
{
  RELGATE_ASSIGN_OR_RETURN(JsonDocument document, parse_json(text, source_name));
  const char *fix = " (expected the CISA KEV JSON feed, known_exploited_vulnerabilities.json)";
  if (!document.IsObject())
    return make_error(source_name + ": not a JSON object" + fix);
  KevCatalog catalog;
  auto version = get_string(document, "catalogVersion");
  if (!version || version->empty())
    return make_error(source_name + ": catalogVersion is missing" + fix);
  catalog.catalog_version = *version;
  catalog.date_released = get_string(document, "dateReleased").value_or("");
  const JsonValue *entries = find_member(document, "vulnerabilities");
  if (!entries || !entries->IsArray())
    return make_error(source_name + ": vulnerabilities must be an array" + fix);
  std::size_t index = 0;
  for (const auto &entry : entries->GetArray()) {
    std::string where = source_name + ": vulnerabilities[" + std::to_string(index++) + "]";
    if (!entry.IsObject())
      return make_error(where + " must be an object");
    auto cve = get_string(entry, "cveID");
    if (!cve || !is_cve_id(*cve)) {
      return make_error(where + ".cveID must look like CVE-2024-12345, found " + (cve ? "'" + *cve + "'" : "nothing"));
    }
    KevEntry kev;
    kev.date_added = get_string(entry, "dateAdded").value_or("");
    kev.due_date = get_string(entry, "dueDate").value_or("");
    kev.ransomware = get_string(entry, "knownRansomwareCampaignUse").value_or("") == "Known";
    catalog.by_cve[*cve] = std::move(kev);
  }
  catalog.count = catalog.by_cve.size();
  return catalog;
}

} // namespace relgate::scan
