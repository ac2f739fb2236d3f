// Strict TOML policy loading. toml++ is wrapped here once: nothing else includes it.
//
// Usage (one function per step reads its keys, then calls finish() so unknown keys fail):
//   RELGATE_ASSIGN_OR_RETURN(auto policy, load_policy(path, 1));
//   PolicyTable& root = policy.root;
//   RELGATE_ASSIGN_OR_RETURN(auto max, root.table("max"));
//   if (max) { RELGATE_ASSIGN_OR_RETURN(auto critical, max->integer("critical", 0, 1000000)); ... }
//   RELGATE_TRY(root.finish());
// Every error names "file:line:column", the key path and what was expected.
#pragma once

#include "duration.hpp"
#include "result.hpp"
#include "time_util.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace relgate
{

struct PolicyNode; // toml::node behind the wall

class PolicyTable
{
public:
  PolicyTable(std::shared_ptr<const void> keep_alive, const PolicyNode *table, std::string file, std::string key_path);

  // Each accessor marks the key as known; absent keys give nullopt (the caller's default).
  Result<std::optional<int64_t>> integer(const std::string &key, int64_t min, int64_t max);
  Result<std::optional<double>> number(const std::string &key, double min, double max); // int or float
  Result<std::optional<bool>> boolean(const std::string &key);
  Result<std::optional<std::string>> string(const std::string &key);
  // string restricted to a set of values: "expected one of: deny, inconclusive, pass"
  Result<std::optional<std::string>> choice(const std::string &key, const std::vector<std::string> &allowed);
  Result<std::optional<Duration>> duration(const std::string &key);
  // A TOML date (midnight UTC), an offset date-time, or a string in RFC 3339 or "YYYY-MM-DD".
  Result<std::optional<TimePoint>> time(const std::string &key);
  Result<std::optional<std::vector<std::string>>> string_array(const std::string &key);
  Result<std::optional<PolicyTable>> table(const std::string &key);
  Result<std::vector<PolicyTable>> array_of_tables(const std::string &key); // [[key]]; absent = empty

  // Every key in the table, for tables whose keys are user names (e.g. [environments.staging]).
  std::vector<std::string> keys() const;

  // Errors on the first key never asked for: "unknown key 'foo' in [max] (file:3:1); known keys: ...".
  Result<void> finish() const;

  // "file:line:column" of the table or of one of its keys.
  std::string location() const;
  std::string location_of(const std::string &key) const;
  // An error at a key, for checks across keys ("[max] high: must be >= critical").
  Error error_at(const std::string &key, const std::string &message) const;
  const std::string &key_path() const { return m_key_path; }

private:
  std::shared_ptr<const void> m_keep_alive;
  const PolicyNode *m_table;
  std::string m_file;
  std::string m_key_path;
  std::set<std::string> m_known;
};

struct LoadedPolicy {
  std::string path;
  std::string sha256; // of the file's bytes; goes into every evidence record
  int64_t version = 0;
  std::shared_ptr<PolicyTable> root; // "version" is already consumed
};

// Parses the file, checks `version` is present and <= max_supported_version ("written for a
// newer relgate: upgrade"), and returns the root table for the step to read.
Result<LoadedPolicy> load_policy(const std::string &path, int64_t max_supported_version);
// Same, from text (tests, embedded defaults); source_name stands for the path in messages.
Result<LoadedPolicy> load_policy_text(const std::string &text, const std::string &source_name,
                                      int64_t max_supported_version);

} // namespace relgate
