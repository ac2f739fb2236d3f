#include "markdown_escape.hpp"

#include "utf8.hpp"

namespace relgate
{
namespace
{

bool is_email_local_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_' || c == '+';
}

bool after_www(std::string_view text, std::size_t i)
{
  if (i < 3)
    return false;
  for (std::size_t k = i - 3; k < i; ++k) {
    if (text[k] != 'w' && text[k] != 'W')
      return false;
  }
  return true;
}

} // namespace

// GFM's autolink extension turns bare "scheme://", "www." and "local@domain" text into links, so
// data could put a link into the report without brackets: "\:" before "//" and "\." after "www"
// stop the first two; the e-mail form is only stopped by a tag between its parts (GitHub and
// GitLab keep <span>).
std::string escape_markdown(std::string_view text)
{
  if (!is_valid_utf8(text))
    return escape_markdown(to_valid_utf8(text)); // U+FFFD for bytes that are not UTF-8
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
    case '\\':
    case '`':
    case '*':
    case '_':
    case '[':
    case ']':
    case '|':
    case '~':
    case '#':
    case '!':
    case '$':
      out += '\\';
      out += c;
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '&':
      out += "&amp;";
      break;
    case '"':
      out += "&quot;";
      break;
    case ':':
      out += text.substr(i + 1, 2) == "//" ? "\\:" : ":";
      break;
    case '.':
      out += after_www(text, i) ? "\\." : ".";
      break;
    case '@':
      out += i > 0 && is_email_local_char(text[i - 1]) ? "<span>@</span>" : "@";
      break;
    case '\r':
      if (i + 1 < text.size() && text[i + 1] == '\n')
        break;
      out += "<br>";
      break;
    case '\n':
      out += "<br>";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        break; // tabs and other controls would change a table's layout
      out += c;
    }
  }
  return out;
}

} // namespace relgate
