#include "identity_pattern.hpp"

#include <re2/re2.h>

namespace relgate::sig
{

Result<IdentityPattern> IdentityPattern::compile(const std::string &pattern, const std::string &field)
{
  RE2::Options options;
  options.set_log_errors(false); // the error is returned, never printed by RE2 itself
  options.set_encoding(RE2::Options::EncodingUTF8);
  auto compiled = std::make_shared<const RE2>(pattern, options);
  if (!compiled->ok()) {
    return make_error(field + ": invalid regexp '" + pattern + "': " + compiled->error() +
                      " (Go/RE2 syntax, as cosign: no backreferences or lookaround; e.g. '(?i)^https://github\\.com/"
                      "acme/.*$')");
  }
  IdentityPattern out;
  out.m_pattern = pattern;
  out.m_compiled = std::move(compiled);
  return out;
}

bool IdentityPattern::matches_whole(std::string_view text) const
{
  return m_compiled && RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *m_compiled);
}

} // namespace relgate::sig
