#include "env_name.hpp"

#include "encoding.hpp"

#include <string>

namespace relgate
{

Result<void> validate_env_name(std::string_view env)
{
  const std::string fix = ": use lowercase letters, digits, '-', '_' or '.' (e.g. staging, prod-eu)";
  const std::string shown = "'" + printable_excerpt(env, 80) + "'";
  if (env.empty())
    return make_error("environment name is empty" + fix);
  if (env.size() > 63)
    return make_error("environment name " + shown + " is longer than 63 characters");
  for (std::size_t i = 0; i < env.size(); ++i) {
    const char c = env[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    const bool punct = c == '-' || c == '_' || c == '.';
    if (!alnum && !(punct && i > 0))
      return make_error("environment name " + shown + " has an invalid character at " + std::to_string(i) + fix);
  }
  // Also rules out ".." as a path component of relgate/<env>/ ("." alone fails the first letter).
  if (env.find("..") != std::string_view::npos)
    return make_error("environment name " + shown + " contains '..'" + fix);
  return ok_result();
}

} // namespace relgate
