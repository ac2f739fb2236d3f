#include "decision.hpp"

namespace relgate
{

std::string_view decision_name(Decision decision)
{
  switch (decision) {
  case Decision::allow:
    return "ALLOW";
  case Decision::deny:
    return "DENY";
  case Decision::inconclusive:
    return "INCONCLUSIVE";
  case Decision::error:
    return "ERROR";
  }
  return "ERROR";
}

Result<Decision> parse_decision(std::string_view name)
{
  if (name == "ALLOW")
    return Decision::allow;
  if (name == "DENY")
    return Decision::deny;
  if (name == "INCONCLUSIVE")
    return Decision::inconclusive;
  if (name == "ERROR")
    return Decision::error;
  return make_error("unknown decision '" + std::string(name) + "' (expected ALLOW, DENY, INCONCLUSIVE or ERROR)");
}

int exit_code_for(Decision decision)
{
  switch (decision) {
  case Decision::allow:
    return exit_allow;
  case Decision::deny:
    return exit_deny;
  case Decision::inconclusive:
    return exit_inconclusive;
  case Decision::error:
    return exit_error;
  }
  return exit_error;
}

} // namespace relgate
