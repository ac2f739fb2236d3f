// The kustomize Component relgate owns per environment: an overlay includes it once
// (`components: [../../relgate/prod]`) and every later promotion only rewrites this file.
// It pins the stable release by digest only (no newTag: kustomize clears one when the other is set).
#pragma once

#include "env_state.hpp"

#include <string>

namespace relgate::gitops
{

// Empty `images:` list when the environment has no stable release yet.
std::string render_component(const EnvState &state);

} // namespace relgate::gitops
