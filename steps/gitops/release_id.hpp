// Release ids "rel-YYYY-MM-DD-NN": the audit trail id, readable by people, ordered by day.
// NN counts releases of that UTC day in this repository (01..99, then 100.. if ever needed).
#pragma once

#include "result.hpp"
#include "time_util.hpp"

#include <string>
#include <string_view>

namespace relgate::gitops
{

struct ReleaseId {
  std::string date; // YYYY-MM-DD
  int number = 0;
  std::string str() const;
};

Result<ReleaseId> parse_release_id(std::string_view text);
// Order of ids by (day, number); "" sorts first. Malformed ids sort first too.
bool release_id_before(std::string_view a, std::string_view b);
// The next id after `last` (may be empty) for the UTC day of `now`; never an id that sorts before
// or equal to `last` (a `last` dated after today continues that day's count).
Result<std::string> next_release_id(std::string_view last, TimePoint now);

} // namespace relgate::gitops
