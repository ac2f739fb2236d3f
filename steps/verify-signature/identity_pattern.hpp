// Keyless identity patterns (--certificate-identity-regexp, [[identities]] subject_regexp, ...)
// in cosign's Go/RE2 syntax, matched by RE2: linear time on any subject, no recursion, so a
// hostile certificate or policy cannot stall or crash the verifier.
#pragma once

#include "result.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace re2
{
class RE2;
}

namespace relgate::sig
{

class IdentityPattern
{
public:
  // `field` names the flag or policy key for the error ("--certificate-identity-regexp").
  static Result<IdentityPattern> compile(const std::string &pattern, const std::string &field);

  // Anchored: the whole text must match, as relgate has always documented (cosign's Go
  // MatchString is unanchored; an anchored rule is the stricter of the two).
  bool matches_whole(std::string_view text) const;
  const std::string &pattern() const { return m_pattern; }

private:
  std::string m_pattern;
  std::shared_ptr<const re2::RE2> m_compiled;
};

} // namespace relgate::sig
