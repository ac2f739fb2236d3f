#pragma once

#include <string_view>

namespace relgate
{

std::string_view relgate_version();

} // namespace relgate
