// The release subject: an OCI image reference pinned to an immutable digest ("NAME@sha256:HEX").
#pragma once

#include "digest.hpp"
#include "result.hpp"

#include <string>
#include <string_view>

namespace relgate
{

struct Subject {
  std::string name; // e.g. "ghcr.io/acme/api"; may be empty for a bare digest
  Digest digest;    // always sha256

  std::string str() const; // "name@sha256:hex" (or just the digest when name is empty)
  bool operator==(const Subject &) const = default;
};

// "ghcr.io/acme/api@sha256:<64 hex>" or a bare "sha256:<64 hex>". The name follows the OCI /
// distribution reference grammar: optional registry host[:port], then a lower-case path of
// components [a-z0-9]+ joined by '.', '_', '__' or '-'s; at most 255 characters. Tags ("api:1.2")
// are refused (a release contract names content, not a movable label), and so is any digest but
// sha256 (the one algorithm every registry and kustomize support, and the one relgate compares).
Result<Subject> parse_subject(std::string_view text);
// The same checks for a name and digest that arrive separately (the evidence file header).
Result<Subject> make_subject(std::string_view name, std::string_view digest_text);
// Ok, or what is wrong with an image name (no digest), per the grammar above.
Result<void> check_image_name(std::string_view name);

} // namespace relgate
