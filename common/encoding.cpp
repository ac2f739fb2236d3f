#include "encoding.hpp"

#include "utf8.hpp"

#include <array>

namespace relgate
{

namespace
{

constexpr char hex_digits[] = "0123456789abcdef";
constexpr char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hex_value(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Both alphabets decode: '+' and '-' are 62, '/' and '_' are 63.
std::array<int, 256> make_base64_table()
{
  std::array<int, 256> table{};
  table.fill(-1);
  for (int i = 0; i < 64; ++i) {
    table[static_cast<unsigned char>(base64_alphabet[i])] = i;
  }
  table[static_cast<unsigned char>('-')] = 62;
  table[static_cast<unsigned char>('_')] = 63;
  return table;
}

// Characters that move or reorder text on screen without being controls: line and paragraph
// separators, bidi embeddings, overrides and isolates (Trojan Source), LRM/RLM.
bool is_layout_character(char32_t code)
{
  return code == 0x200e || code == 0x200f || (code >= 0x2028 && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

void append_escaped_bytes(std::string &out, std::string_view bytes)
{
  for (char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += "\\x";
    out += hex_digits[byte >> 4];
    out += hex_digits[byte & 15];
  }
}

std::string printable(std::string_view text, bool keep_newlines)
{
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Char c = next_utf8(text, pos);
    const std::string_view bytes = text.substr(pos, c.length);
    const bool control = c.code < 0x20 || (c.code >= 0x7f && c.code < 0xa0);
    if (!c.valid || (control && !(keep_newlines && c.code == '\n')) || is_layout_character(c.code)) {
      append_escaped_bytes(out, bytes);
    } else {
      out.append(bytes);
    }
    pos += c.length;
  }
  return out;
}

} // namespace

std::string hex_encode(std::string_view bytes)
{
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(hex_digits[c >> 4]);
    out.push_back(hex_digits[c & 15]);
  }
  return out;
}

Result<std::string> hex_decode(std::string_view hex)
{
  if (hex.size() % 2 != 0) {
    return make_error("hex string has an odd length (" + std::to_string(hex.size()) + ")");
  }
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = hex_value(hex[i]);
    const int low = hex_value(hex[i + 1]);
    if (high < 0 || low < 0) {
      return make_error("invalid hex character at position " + std::to_string(high < 0 ? i : i + 1));
    }
    out.push_back(static_cast<char>((high << 4) | low));
  }
  return out;
}

std::string base64_encode(std::string_view bytes)
{
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(base64_alphabet[(n >> 18) & 63]);
    out.push_back(base64_alphabet[(n >> 12) & 63]);
    out.push_back(base64_alphabet[(n >> 6) & 63]);
    out.push_back(base64_alphabet[n & 63]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    out.push_back(base64_alphabet[(n >> 18) & 63]);
    out.push_back(base64_alphabet[(n >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out.push_back(base64_alphabet[(n >> 18) & 63]);
    out.push_back(base64_alphabet[(n >> 12) & 63]);
    out.push_back(base64_alphabet[(n >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text)
{
  static const std::array<int, 256> table = make_base64_table();
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned buffer = 0;
  int bits = 0;
  std::size_t padding = 0;
  std::size_t symbols = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
      continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    const int value = table[static_cast<unsigned char>(c)];
    if (value < 0 || padding > 0) {
      return make_error("invalid base64 at position " + std::to_string(i));
    }
    ++symbols;
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if (symbols % 4 == 1 || padding > 2 || (padding > 0 && (symbols + padding) % 4 != 0)) {
    return make_error("invalid base64: truncated or badly padded");
  }
  return out;
}

std::string dsse_pae(std::string_view payload_type, std::string_view payload)
{
  std::string pae = "DSSEv1 " + std::to_string(payload_type.size()) + " ";
  pae.append(payload_type);
  pae += " " + std::to_string(payload.size()) + " ";
  pae.append(payload);
  return pae;
}

std::string printable_excerpt(std::string_view text, std::size_t max_length)
{
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (char c : text.substr(0, max_length)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f || c == '\\') {
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 15];
    } else {
      out += c;
    }
  }
  return text.size() > max_length ? out + "..." : out;
}

std::string printable_line(std::string_view text)
{
  return printable(text, false);
}

std::string printable_lines(std::string_view text)
{
  return printable(text, true);
}

} // namespace relgate
