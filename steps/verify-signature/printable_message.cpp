#include "printable_message.hpp"

#include <cstdint>

namespace relgate::sig
{

namespace
{

// The length of the well-formed UTF-8 sequence at text[at] and its code point; 0 when malformed
// (overlong, surrogate, above U+10FFFF, cut short).
std::size_t utf8_sequence(std::string_view text, std::size_t at, uint32_t &code)
{
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t extra = 0;
  if ((lead & 0xE0) == 0xC0) {
    extra = 1, code = lead & 0x1Fu;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2, code = lead & 0x0Fu;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3, code = lead & 0x07u;
  } else {
    return 0;
  }
  if (at + extra >= text.size())
    return 0;
  for (std::size_t k = 1; k <= extra; ++k) {
    const auto next = static_cast<unsigned char>(text[at + k]);
    if ((next & 0xC0) != 0x80)
      return 0;
    code = (code << 6) | (next & 0x3Fu);
  }
  static constexpr uint32_t smallest[] = {0, 0x80, 0x800, 0x10000};
  if (code < smallest[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
    return 0;
  return extra + 1;
}

// Characters that end, break or visually reorder a line.
bool hides_text(uint32_t code)
{
  return (code >= 0x80 && code <= 0x9F) || code == 0x2028 || code == 0x2029 || code == 0x200E || code == 0x200F ||
         (code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069);
}

void append_escaped(std::string &out, std::string_view bytes)
{
  static constexpr char hex[] = "0123456789abcdef";
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += "\\x";
    out += hex[byte >> 4];
    out += hex[byte & 15];
  }
}

} // namespace

std::string printable_message(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte < 0x80) {
      if (byte < 0x20 || byte == 0x7f)
        append_escaped(out, text.substr(at, 1));
      else
        out += text[at];
      ++at;
      continue;
    }
    uint32_t code = 0;
    const std::size_t length = utf8_sequence(text, at, code);
    if (length == 0) {
      append_escaped(out, text.substr(at, 1));
      ++at;
      continue;
    }
    if (hides_text(code))
      append_escaped(out, text.substr(at, length));
    else
      out += text.substr(at, length);
    at += length;
  }
  return out;
}

} // namespace relgate::sig
