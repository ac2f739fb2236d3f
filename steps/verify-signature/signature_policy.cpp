#include "signature_policy.hpp"

#include "policy.hpp"
#include "time_util.hpp"

#include <filesystem>

namespace relgate::sig
{

namespace
{

Result<std::optional<std::time_t>> time_key(PolicyTable &table, const std::string &key)
{
  RELGATE_ASSIGN_OR_RETURN(auto when, table.time(key));
  if (!when)
    return std::optional<std::time_t>();
  return std::optional<std::time_t>(std::chrono::system_clock::to_time_t(*when));
}

std::string resolve(const std::string &base_dir, const std::string &path)
{
  if (path.empty() || std::filesystem::path(path).is_absolute())
    return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

Result<SignaturePolicy> read_policy(LoadedPolicy loaded)
{
  SignaturePolicy policy;
  policy.ref = PolicyRef{loaded.path, loaded.sha256, loaded.version};
  std::string base_dir = std::filesystem::path(loaded.path).parent_path().string();
  PolicyTable &root = *loaded.root;

  RELGATE_ASSIGN_OR_RETURN(auto threshold, root.integer("threshold", 1, 1000));
  policy.threshold = threshold.value_or(1);
  RELGATE_ASSIGN_OR_RETURN(auto trusted_root, root.string("trusted_root"));
  policy.trusted_root = resolve(base_dir, trusted_root.value_or(""));

  RELGATE_ASSIGN_OR_RETURN(auto keys, root.array_of_tables("keys"));
  for (auto &table : keys) {
    TrustedKey key;
    RELGATE_ASSIGN_OR_RETURN(auto name, table.string("name"));
    RELGATE_ASSIGN_OR_RETURN(auto path, table.string("path"));
    if (!name || name->empty())
      return table.error_at("name", "[[keys]] needs a name (e.g. \"prod-2025\")");
    if (!path || path->empty())
      return table.error_at("path", "[[keys]] needs a path to a PEM public key");
    for (const auto &other : policy.keys) {
      if (other.name == *name)
        return table.error_at("name", "duplicate key name '" + *name + "'");
    }
    key.name = *name;
    key.path = resolve(base_dir, *path);
    RELGATE_ASSIGN_OR_RETURN(key.not_before, time_key(table, "not_before"));
    RELGATE_ASSIGN_OR_RETURN(key.not_after, time_key(table, "not_after"));
    RELGATE_TRY(table.finish());
    auto loaded_key = load_public_key_file(key.path);
    if (!loaded_key)
      return make_error(table.location_of("path") + ": key " + key.name + ": " + loaded_key.message());
    key.key = *loaded_key;
    for (const auto &other : policy.keys) {
      if (other.key->spki_der() == key.key->spki_der()) {
        return table.error_at("path", "key " + key.name + " is the same key as " + other.name +
                                          " (a key counts once towards the threshold)");
      }
    }
    policy.keys.push_back(std::move(key));
  }
  if (policy.threshold > static_cast<int64_t>(policy.keys.size()) && !policy.keys.empty()) {
    return root.error_at("threshold", "threshold " + std::to_string(policy.threshold) + " exceeds the " +
                                          std::to_string(policy.keys.size()) + " keys listed");
  }

  RELGATE_ASSIGN_OR_RETURN(auto identities, root.array_of_tables("identities"));
  for (auto &table : identities) {
    RELGATE_ASSIGN_OR_RETURN(auto subject, table.string("subject"));
    RELGATE_ASSIGN_OR_RETURN(auto subject_regexp, table.string("subject_regexp"));
    RELGATE_ASSIGN_OR_RETURN(auto issuer, table.string("issuer"));
    RELGATE_ASSIGN_OR_RETURN(auto issuer_regexp, table.string("issuer_regexp"));
    RELGATE_TRY(table.finish());
    RELGATE_ASSIGN_OR_RETURN(auto rule,
                             make_identity_rule(subject.value_or(""), subject_regexp.value_or(""), issuer.value_or(""),
                                                issuer_regexp.value_or(""), table.location()));
    policy.identities.push_back(std::move(rule));
  }

  RELGATE_ASSIGN_OR_RETURN(auto provenance, root.table("provenance"));
  if (provenance) {
    RELGATE_ASSIGN_OR_RETURN(auto types, provenance->string_array("predicate_types"));
    RELGATE_ASSIGN_OR_RETURN(auto builders, provenance->string_array("builder_ids"));
    RELGATE_ASSIGN_OR_RETURN(auto build_types, provenance->string_array("build_types"));
    RELGATE_ASSIGN_OR_RETURN(auto repository, provenance->string("source_repository"));
    RELGATE_ASSIGN_OR_RETURN(auto ref, provenance->string("source_ref"));
    RELGATE_TRY(provenance->finish());
    policy.provenance.predicate_types = types.value_or(std::vector<std::string>{});
    policy.provenance.builder_ids = builders.value_or(std::vector<std::string>{});
    policy.provenance.build_types = build_types.value_or(std::vector<std::string>{});
    policy.provenance.source_repository = repository.value_or("");
    policy.provenance.source_ref = ref.value_or("");
  }
  RELGATE_TRY(root.finish());
  return policy;
}

} // namespace

Result<SignaturePolicy> load_signature_policy(const std::string &path)
{
  RELGATE_ASSIGN_OR_RETURN(auto loaded, load_policy(path, signature_policy_version));
  return read_policy(std::move(loaded));
}

} // namespace relgate::sig
