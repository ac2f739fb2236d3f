// The release subject: an artifact name pinned to an immutable digest ("NAME@sha256:HEX").
#pragma once

#include "digest.hpp"
#include "result.hpp"

#include <string>
#include <string_view>

namespace relgate
{

struct Subject {
  std::string name; // e.g. "ghcr.io/acme/api"; may be empty for a bare digest
  Digest digest;

  std::string str() const; // "name@sha256:hex" (or just the digest when name is empty)
  bool operator==(const Subject &) const = default;
};

// "ghcr.io/acme/api@sha256:<64 hex>" or a bare digest. Tags ("api:1.2") are refused:
// a release contract names content, not a movable label.
Result<Subject> parse_subject(std::string_view text);

} // namespace relgate
