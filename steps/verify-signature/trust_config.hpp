// What the verifier trusts, from the policy and the flags: named keys with optional validity
// windows, and keyless identities (SAN + OIDC issuer, exact or anchored RE2 regexp).
#pragma once

#include "identity_pattern.hpp"
#include "public_key.hpp"
#include "result.hpp"

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace relgate::sig
{

struct TrustedKey {
  std::string name; // policy name, or the file name for --key
  std::string path;
  std::shared_ptr<PublicKey> key;
  std::optional<std::time_t> not_before;
  std::optional<std::time_t> not_after;

  std::string label() const; // "prod-2025 (ecdsa-p256)"
  // "" when usable at `time`, else why not ("key prod-2024 expired on 2025-01-01T00:00:00Z").
  std::string window_problem(std::time_t time) const;
};

struct IdentityRule {
  std::string subject;        // exact SAN
  std::string subject_regexp; // anchored: the whole SAN must match
  std::string issuer;
  std::string issuer_regexp;
  std::optional<IdentityPattern> subject_pattern;
  std::optional<IdentityPattern> issuer_pattern;

  bool matches(const std::vector<std::string> &sans, const std::string &cert_issuer) const;
  std::string describe() const;
};

// How the two regexps are called where they came from, so an error names the flag or the key.
struct IdentityFieldNames {
  std::string subject_regexp = "subject_regexp";
  std::string issuer_regexp = "issuer_regexp";
};
IdentityFieldNames identity_flag_names(); // --certificate-identity-regexp, --certificate-oidc-issuer-regexp

// Compiles the regexps; exactly one of subject/subject_regexp and of issuer/issuer_regexp.
Result<IdentityRule> make_identity_rule(std::string subject, std::string subject_regexp, std::string issuer,
                                        std::string issuer_regexp, const std::string &where,
                                        const IdentityFieldNames &fields = IdentityFieldNames{});

Result<std::shared_ptr<PublicKey>> load_public_key_file(const std::string &path);

} // namespace relgate::sig
