// UTF-8 as the outputs need it: JSON and XML readers (code scanning, GitLab's JUnit parser,
// Python's json) refuse a file with one invalid byte, and report text is whatever a scanner wrote.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace relgate
{

// One character at `pos`: its code point and byte length, or valid == false and length 1 for a
// byte that starts no well-formed sequence (overlong forms, surrogates and > U+10FFFF included).
struct Utf8Char {
  char32_t code = 0;
  std::size_t length = 1;
  bool valid = false;
};
Utf8Char next_utf8(std::string_view text, std::size_t pos);

bool is_valid_utf8(std::string_view text);
// Each byte that starts no well-formed sequence becomes U+FFFD; valid text comes back unchanged.
std::string to_valid_utf8(std::string_view text);

constexpr std::string_view replacement_character = "\xef\xbf\xbd"; // U+FFFD

} // namespace relgate
