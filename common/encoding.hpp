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

// DSSE pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN in
// decimal bytes. What DSSE signatures (in-toto attestations, evidence records) are made over.
std::string dsse_pae(std::string_view payload_type, std::string_view payload);

} // namespace relgate
