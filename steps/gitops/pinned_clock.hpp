// --now on promote and rollback: a pinned clock moves soak times, freeze windows and ledger times,
// so it is honoured only when the promotion policy opts in ([clock] allow_pinned = true, meant for
// tests and drills), is announced on every run and is recorded (ledger, commit trailer, evidence).
#pragma once

#include "policy.hpp"
#include "result.hpp"

#include <string>

namespace relgate::gitops
{

// [clock] allow_pinned of a promotion policy (false when absent); unknown [clock] keys are errors.
Result<bool> read_allow_pinned_clock(PolicyTable &root);
// The same from the policy file alone (rollback, which reads no other part of the policy).
Result<bool> load_allow_pinned_clock(const std::string &policy_path);

// When --now pinned the clock: an error naming the policy key unless allowed; else ok.
Result<void> check_pinned_clock(bool allowed, const std::string &policy_path, const std::string &step);
// The warning printed on every run with a pinned clock.
std::string pinned_clock_warning(const std::string &policy_path);
// The pinned time (RFC 3339) for the ledger and the commit trailer; "" when the clock is real.
std::string pinned_clock_text();

} // namespace relgate::gitops
