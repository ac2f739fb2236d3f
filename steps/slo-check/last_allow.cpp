#include "last_allow.hpp"

#include "file_io.hpp"

namespace relgate::slo
{

std::optional<LastAllow> find_last_allow(const EvidenceFile &file, const RecordScope &scope)
{
  for (auto it = file.records.rbegin(); it != file.records.rend(); ++it) {
    const EvidenceRecord &record = *it;
    // The scope rule promote and rollback use too (record_in_scope); only ALLOWs are a baseline.
    if (!record_in_scope(record, "slo-check", scope.env, scope.stage) || record.decision != Decision::allow)
      continue;
    const JsonValue *objectives = record.summary.IsObject() ? find_member(record.summary, "objectives") : nullptr;
    if (!objectives || !objectives->IsArray())
      continue;
    LastAllow last;
    last.started_at = record.started_at;
    for (const auto &objective : objectives->GetArray()) {
      if (!objective.IsObject())
        continue;
      auto name = get_string(objective, "name");
      auto value = get_number(objective, "value");
      if (name && value)
        last.values[*name] = *value;
    }
    return last;
  }
  return std::nullopt;
}

Result<std::optional<LastAllow>> load_last_allow(const std::string &evidence_path, const RecordScope &scope)
{
  if (evidence_path.empty() || !file_exists(evidence_path))
    return std::optional<LastAllow>();
  RELGATE_ASSIGN_OR_RETURN(auto file, load_evidence(evidence_path));
  return find_last_allow(file, scope);
}

} // namespace relgate::slo
