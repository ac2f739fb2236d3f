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

// Untrusted text for an error message or a log line: control bytes, non-ASCII bytes and '\\' as
// \\xNN, cut after max_length characters ("..."), so data cannot add lines or hide itself.
std::string printable_excerpt(std::string_view text, std::size_t max_length = 160);

// Untrusted text in a report or log line (text renderers, `evidence show`), whole: valid UTF-8
// stays readable, but C0/C1 controls (newline, CR, ESC), DEL, bytes that are not UTF-8 and the
// characters that break or reorder lines (U+2028, U+2029, bidi overrides and isolates) become
// \xNN per byte, so data cannot add a line, erase one or hide text. '\\' stays: the result is
// unchanged by a second pass. printable_lines keeps '\n' (a renderer's own multi-line text).
std::string printable_line(std::string_view text);
std::string printable_lines(std::string_view text);

// DSSE pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, LEN in
// decimal bytes. What DSSE signatures (in-toto attestations, evidence records) are made over.
std::string dsse_pae(std::string_view payload_type, std::string_view payload);

} // namespace relgate
