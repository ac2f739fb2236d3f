// ASCII case rules for words from data (severities, "NaN", "Inf"): locale-free and inline,
// because std::tolower consults the C locale and costs a call per character.
#pragma once

#include <cstddef>
#include <string_view>

namespace relgate
{

constexpr char ascii_lower(char c)
{
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Equal ignoring ASCII case: "HIGH" == "high"; other bytes compare as they are.
constexpr bool ascii_iequals(std::string_view a, std::string_view b)
{
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i]))
      return false;
  }
  return true;
}

// Every byte below 0x80.
constexpr bool is_ascii(std::string_view text)
{
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80)
      return false;
  }
  return true;
}

} // namespace relgate
