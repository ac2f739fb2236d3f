// Image names relgate writes into manifests ("ghcr.io/acme/api", "registry:5000/team/app") follow
// the OCI distribution reference grammar: an optional host[:port] and a lower-case path. Checked
// wherever a name enters (evidence subject, policy `image`, a state file read from the repo).
#pragma once

#include "result.hpp"

#include <string_view>

namespace relgate::gitops
{

// [host[:port]/]component(/component)*, component = [a-z0-9]+ ((. | _ | __ | -+) [a-z0-9]+)*;
// at most 255 characters. No tag, no digest.
Result<void> validate_image_name(std::string_view name, std::string_view what);

} // namespace relgate::gitops
