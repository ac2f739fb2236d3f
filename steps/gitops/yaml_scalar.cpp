#include "yaml_scalar.hpp"

namespace relgate::gitops
{
namespace
{

constexpr char hex_digits[] = "0123456789ABCDEF";

void append_hex_escape(std::string &out, unsigned char byte)
{
  out += "\\x";
  out += hex_digits[byte >> 4];
  out += hex_digits[byte & 0xF];
}

// Length of the valid UTF-8 sequence starting at text[i] (2..4), or 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i)
{
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead <= 0xDF ? 2 : 0;
  if (length == 0 || i + length > text.size())
    return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80)
      return 0;
  }
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
  if ((lead == 0xE0 && byte(i + 1) < 0xA0) || (lead == 0xED && byte(i + 1) > 0x9F) ||
      (lead == 0xF0 && byte(i + 1) < 0x90) || (lead == 0xF4 && byte(i + 1) > 0x8F)) {
    return 0;
  }
  return length;
}

} // namespace

std::string yaml_quoted(std::string_view value)
{
  std::string out = "\"";
  out.reserve(value.size() + 2);
  for (std::size_t i = 0; i < value.size();) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c < 0x80) {
      switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7F)
          append_hex_escape(out, c);
        else
          out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(value, i);
    if (length == 0) {
      append_hex_escape(out, c);
      ++i;
      continue;
    }
    const std::string_view sequence = value.substr(i, length);
    if (sequence == "\xC2\x85")
      out += "\\N"; // NEL
    else if (sequence == "\xE2\x80\xA8")
      out += "\\L"; // LINE SEPARATOR
    else if (sequence == "\xE2\x80\xA9")
      out += "\\P"; // PARAGRAPH SEPARATOR
    else
      out.append(sequence);
    i += length;
  }
  out += '"';
  return out;
}

} // namespace relgate::gitops
