#include "pinned_clock.hpp"

#include "time_util.hpp"

namespace relgate::gitops
{

Result<bool> read_allow_pinned_clock(PolicyTable &root)
{
  RELGATE_ASSIGN_OR_RETURN(auto clock, root.table("clock"));
  if (!clock)
    return false;
  RELGATE_ASSIGN_OR_RETURN(auto allow, clock->boolean("allow_pinned"));
  RELGATE_TRY(clock->finish());
  return allow.value_or(false);
}

Result<bool> load_allow_pinned_clock(const std::string &policy_path)
{
  // 1 = the promotion policy format version (promote checks the rest of the file).
  RELGATE_ASSIGN_OR_RETURN(auto loaded, load_policy(policy_path, 1));
  return read_allow_pinned_clock(*loaded.root);
}

Result<void> check_pinned_clock(bool allowed, const std::string &policy_path, const std::string &step)
{
  if (!clock_is_pinned() || allowed)
    return ok_result();
  return make_error("--now pins the clock, which moves soak times and freeze windows: " + step +
                    " honours it only when " + policy_path +
                    " sets [clock] allow_pinned = true (for tests and drills only); drop --now in a real pipeline");
}

std::string pinned_clock_warning(const std::string &policy_path)
{
  return "WARNING: the clock is pinned to " + pinned_clock_text() + " by --now ([clock] allow_pinned = true in " +
         policy_path + "): soak times and freeze windows are judged at that time; for tests and drills only";
}

std::string pinned_clock_text()
{
  return clock_is_pinned() ? format_rfc3339(current_time()) : std::string();
}

} // namespace relgate::gitops
