// The grammar of an environment name (--env, policy sections, relgate/<env>/ in a GitOps repo):
// one definition, checked once for every step, so a record can never carry a name that promote
// or rollback would refuse or read differently (a newline, a trailing space, a look-alike letter).
#pragma once

#include "result.hpp"

#include <string_view>

namespace relgate
{

// Lowercase ASCII letters, digits, '-', '_' and '.', starting with a letter or digit, at most 63
// characters, no "..". The error message shows the name escaped (it may hold control bytes).
Result<void> validate_env_name(std::string_view env);

} // namespace relgate
