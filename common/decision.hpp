// The machine decision every step returns, and its exit code.
#pragma once

#include "result.hpp"

#include <string>
#include <string_view>

namespace relgate
{

enum class Decision { allow, deny, inconclusive, error };

// Exit codes are a contract with pipelines: 0 ALLOW, 1 DENY, 2 error (fails closed),
// 3 INCONCLUSIVE (slo-check; its policy decides whether that denies).
constexpr int exit_allow = 0;
constexpr int exit_deny = 1;
constexpr int exit_error = 2;
constexpr int exit_inconclusive = 3;

std::string_view decision_name(Decision decision); // "ALLOW", "DENY", "INCONCLUSIVE", "ERROR"
Result<Decision> parse_decision(std::string_view name);
int exit_code_for(Decision decision);

} // namespace relgate
