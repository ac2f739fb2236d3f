#include "utf8.hpp"

namespace relgate
{

Utf8Char next_utf8(std::string_view text, std::size_t pos)
{
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80)
    return {lead, 1, true};
  std::size_t length = 0;
  char32_t code = 0;
  char32_t minimum = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    code = lead & 0x1fU;
    minimum = 0x80;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    code = lead & 0x0fU;
    minimum = 0x800;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    code = lead & 0x07U;
    minimum = 0x10000;
  } else {
    return {}; // a continuation byte, 0xc0/0xc1 (overlong) or 0xf5..0xff
  }
  if (text.size() - pos < length)
    return {};
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0U) != 0x80)
      return {};
    code = (code << 6) | (byte(i) & 0x3fU);
  }
  if (code < minimum || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
    return {};
  return {code, length, true};
}

bool is_valid_utf8(std::string_view text)
{
  std::size_t pos = 0;
  while (pos < text.size()) {
    // ASCII runs are the common case: no decoding for them.
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const Utf8Char c = next_utf8(text, pos);
    if (!c.valid)
      return false;
    pos += c.length;
  }
  return true;
}

std::string to_valid_utf8(std::string_view text)
{
  if (is_valid_utf8(text))
    return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Char c = next_utf8(text, pos);
    if (c.valid) {
      out.append(text.substr(pos, c.length));
    } else {
      out.append(replacement_character);
    }
    pos += c.length;
  }
  return out;
}

} // namespace relgate
