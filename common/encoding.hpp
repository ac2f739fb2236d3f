// Hex and base64 (standard and URL-safe) encoding.
#pragma once

#include "result.hpp"

#include <string>
#include <string_view>

namespace relgate
{

std::string hex_encode(std::string_view bytes);
Result<std::string> hex_decode(std::string_view hex);

std::string base64_encode(std::string_view bytes);
// Accepts standard and URL-safe alphabets, with or without '=' padding; ignores ASCII
// whitespace (signature files often end in a newline). Anything else is an error.
Result<std::string> base64_decode(std::string_view text);

} // namespace relgate
