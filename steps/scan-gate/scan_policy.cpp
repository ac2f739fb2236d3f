#include "scan_policy.hpp"

#include <algorithm>

namespace relgate::scan
{

namespace
{

Result<ScanPolicy> read_policy(LoadedPolicy loaded)
{
  ScanPolicy policy;
  policy.path = loaded.path;
  policy.sha256 = loaded.sha256;
  policy.version = loaded.version;
  PolicyTable &root = *loaded.root;

  RELGATE_ASSIGN_OR_RETURN(auto max, root.table("max"));
  if (max) {
    for (Severity severity : all_severities) {
      RELGATE_ASSIGN_OR_RETURN(auto limit, max->integer(std::string(severity_name(severity)), 0, 100000000));
      policy.max[static_cast<std::size_t>(severity)] = limit;
    }
    RELGATE_TRY(max->finish());
  }

  RELGATE_ASSIGN_OR_RETURN(auto count, root.table("count"));
  if (count) {
    RELGATE_ASSIGN_OR_RETURN(auto only_fixable, count->boolean("only_fixable"));
    policy.only_fixable = only_fixable.value_or(false);
    RELGATE_TRY(count->finish());
  }

  RELGATE_ASSIGN_OR_RETURN(auto deny, root.table("deny"));
  if (deny) {
    RELGATE_ASSIGN_OR_RETURN(policy.cvss_at_least, deny->number("cvss", 0.0, 10.0));
    RELGATE_ASSIGN_OR_RETURN(auto kev, deny->boolean("kev"));
    policy.deny_kev = kev.value_or(false);
    RELGATE_ASSIGN_OR_RETURN(policy.epss_above, deny->number("epss", 0.0, 1.0));
    RELGATE_ASSIGN_OR_RETURN(auto unknown, deny->boolean("unknown_severity"));
    policy.deny_unknown_severity = unknown.value_or(false);
    RELGATE_ASSIGN_OR_RETURN(auto ids, deny->string_array("ids"));
    policy.deny_ids = ids.value_or(std::vector<std::string>{});
    RELGATE_TRY(deny->finish());
  }

  RELGATE_ASSIGN_OR_RETURN(auto entries, root.array_of_tables("allow"));
  std::size_t number = 0;
  for (auto &entry : entries) {
    AllowEntry allow;
    allow.number = ++number;
    allow.location = entry.location();
    RELGATE_ASSIGN_OR_RETURN(auto id, entry.string("id"));
    if (!id || id->empty()) {
      return entry.error_at("id", "[[allow]] entry " + std::to_string(number) +
                                      ": id is required (the vulnerability id, e.g. \"CVE-2024-3094\")");
    }
    allow.id = *id;
    RELGATE_ASSIGN_OR_RETURN(allow.package, entry.string("package"));
    RELGATE_ASSIGN_OR_RETURN(auto reason, entry.string("reason"));
    if (!reason || reason->find_first_not_of(" \t") == std::string::npos) {
      return entry.error_at("reason", "[[allow]] entry " + std::to_string(number) + " (" + allow.id +
                                          "): reason is required: say why this finding is acceptable");
    }
    allow.reason = *reason;
    // Text is kept as written: an unparsable date is a DENY reason at evaluation, never skipped
    // silently. A bare TOML date (expires = 2026-06-30) is a date node and is read as a time.
    auto expires = entry.string("expires");
    if (expires) {
      allow.expires_text = *expires;
      if (allow.expires_text) {
        auto parsed = parse_rfc3339(*allow.expires_text);
        if (parsed)
          allow.expires = *parsed;
      }
    } else {
      RELGATE_ASSIGN_OR_RETURN(auto when, entry.time("expires"));
      allow.expires = *when;
      std::string text = format_rfc3339(*when);
      if (text.size() == 20 && text.compare(10, 10, "T00:00:00Z") == 0)
        text.resize(10); // a plain date
      allow.expires_text = text;
    }
    RELGATE_TRY(entry.finish());
    policy.allow.push_back(std::move(allow));
  }
  RELGATE_TRY(root.finish());

  for (const auto &allow : policy.allow) {
    if (std::find(policy.deny_ids.begin(), policy.deny_ids.end(), allow.id) != policy.deny_ids.end()) {
      return make_error(policy.path + ": " + allow.id + " is both in [deny] ids and in [[allow]] entry " +
                        std::to_string(allow.number) + " (" + allow.location + "): keep one");
    }
  }
  return policy;
}

} // namespace

Result<ScanPolicy> load_scan_policy(const std::string &path)
{
  RELGATE_ASSIGN_OR_RETURN(LoadedPolicy loaded, load_policy(path, 1));
  return read_policy(std::move(loaded));
}

Result<ScanPolicy> load_scan_policy_text(const std::string &text, const std::string &source_name)
{
  RELGATE_ASSIGN_OR_RETURN(LoadedPolicy loaded, load_policy_text(text, source_name, 1));
  return read_policy(std::move(loaded));
}

} // namespace relgate::scan
