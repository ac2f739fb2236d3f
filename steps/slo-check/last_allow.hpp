// "Relative to the last ALLOWed value": the objective values recorded by the newest slo-check
// ALLOW in an evidence file, for the same env (and stage, when given).
#pragma once

#include "evidence.hpp"
#include "result.hpp"

#include <map>
#include <optional>
#include <string>

namespace relgate::slo
{

struct LastAllow {
  std::map<std::string, double> values; // objective name -> recorded value
  std::string started_at;               // of the record they come from
};

// nullopt when no such record exists (relative criteria then pass, as in Keptn).
std::optional<LastAllow> find_last_allow(const EvidenceFile &file, const RecordScope &scope);
// Missing file: nullopt; unreadable or invalid file: an error naming it.
Result<std::optional<LastAllow>> load_last_allow(const std::string &evidence_path, const RecordScope &scope);

} // namespace relgate::slo
