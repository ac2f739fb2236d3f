#include "trust_config.hpp"

#include "file_io.hpp"
#include "ossl.hpp"

namespace relgate::sig
{

std::string TrustedKey::label() const
{
  return name + " (" + (key ? key->kind_name() : std::string("?")) + ")";
}

std::string TrustedKey::window_problem(std::time_t time) const
{
  if (not_before && time < *not_before) {
    return "key " + name + " is not valid before " + format_epoch(*not_before) + " (time " + format_epoch(time) + ")";
  }
  if (not_after && time > *not_after) {
    return "key " + name + " expired on " + format_epoch(*not_after) + " (time " + format_epoch(time) + ")";
  }
  return {};
}

bool IdentityRule::matches(const std::vector<std::string> &sans, const std::string &cert_issuer) const
{
  bool issuer_ok = issuer_pattern ? issuer_pattern->matches_whole(cert_issuer) : cert_issuer == issuer;
  if (!issuer_ok)
    return false;
  for (const auto &san : sans) {
    if (subject_pattern ? subject_pattern->matches_whole(san) : san == subject)
      return true;
  }
  return false;
}

std::string IdentityRule::describe() const
{
  // Shown as the anchored pattern it is: ^(?:a|b)$, not the misleading ^a|b$.
  std::string text = subject_pattern ? "identity matching ^(?:" + subject_regexp + ")$" : "identity " + subject;
  text += issuer_pattern ? ", issuer matching ^(?:" + issuer_regexp + ")$" : ", issuer " + issuer;
  return text;
}

IdentityFieldNames identity_flag_names()
{
  return IdentityFieldNames{"--certificate-identity-regexp", "--certificate-oidc-issuer-regexp"};
}

Result<IdentityRule> make_identity_rule(std::string subject, std::string subject_regexp, std::string issuer,
                                        std::string issuer_regexp, const std::string &where,
                                        const IdentityFieldNames &fields)
{
  if (subject.empty() == subject_regexp.empty()) {
    return make_error(where + ": give exactly one of certificate identity or identity regexp "
                              "(--certificate-identity / --certificate-identity-regexp)");
  }
  if (issuer.empty() == issuer_regexp.empty()) {
    return make_error(where + ": give exactly one of OIDC issuer or issuer regexp "
                              "(--certificate-oidc-issuer / --certificate-oidc-issuer-regexp)");
  }
  IdentityRule rule;
  rule.subject = std::move(subject);
  rule.subject_regexp = std::move(subject_regexp);
  rule.issuer = std::move(issuer);
  rule.issuer_regexp = std::move(issuer_regexp);
  if (!rule.subject_regexp.empty()) {
    RELGATE_ASSIGN_OR_RETURN(rule.subject_pattern,
                             IdentityPattern::compile(rule.subject_regexp, where + ": " + fields.subject_regexp));
  }
  if (!rule.issuer_regexp.empty()) {
    RELGATE_ASSIGN_OR_RETURN(rule.issuer_pattern,
                             IdentityPattern::compile(rule.issuer_regexp, where + ": " + fields.issuer_regexp));
  }
  return rule;
}

Result<std::shared_ptr<PublicKey>> load_public_key_file(const std::string &path)
{
  RELGATE_ASSIGN_OR_RETURN(auto text, read_file(path));
  RELGATE_ASSIGN_OR_RETURN(auto key, parse_public_key_file(text, path));
  return std::make_shared<PublicKey>(std::move(key));
}

} // namespace relgate::sig
