#include "precert_tbs.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

namespace relgate::sig
{

namespace
{

// One DER element: single-byte tag, definite length (what certificates use).
struct Element {
  unsigned char tag = 0;
  std::size_t start = 0;   // offset of the tag byte
  std::size_t content = 0; // offset of the first content byte
  std::size_t end = 0;     // one past the last content byte
};

std::optional<Element> read_element(std::string_view der, std::size_t at, std::size_t limit)
{
  if (at + 2 > limit)
    return std::nullopt;
  Element element;
  element.start = at;
  element.tag = static_cast<unsigned char>(der[at]);
  if ((element.tag & 0x1f) == 0x1f)
    return std::nullopt; // multi-byte tags never occur in a certificate's structure
  auto first = static_cast<unsigned char>(der[at + 1]);
  std::size_t length = 0;
  std::size_t cursor = at + 2;
  if (first < 0x80) {
    length = first;
  } else {
    std::size_t bytes = first & 0x7f;
    if (bytes == 0 || bytes > 4 || cursor + bytes > limit)
      return std::nullopt; // indefinite or absurd lengths are not DER
    for (std::size_t i = 0; i < bytes; ++i)
      length = (length << 8) | static_cast<unsigned char>(der[cursor++]);
  }
  if (length > limit - cursor)
    return std::nullopt;
  element.content = cursor;
  element.end = cursor + length;
  return element;
}

std::string header(unsigned char tag, std::size_t length)
{
  std::string out(1, static_cast<char>(tag));
  if (length < 0x80) {
    out.push_back(static_cast<char>(length));
    return out;
  }
  std::string digits;
  for (std::size_t rest = length; rest != 0; rest >>= 8)
    digits.insert(digits.begin(), static_cast<char>(rest & 0xff));
  out.push_back(static_cast<char>(0x80 | digits.size()));
  return out + digits;
}

// DER of OBJECT IDENTIFIER 1.3.6.1.4.1.11129.2.4.2 (CT precertificate SCTs).
constexpr std::string_view sct_list_oid("\x06\x0a\x2b\x06\x01\x04\x01\xd6\x79\x02\x04\x02", 12);

Error malformed()
{
  return make_error("signing certificate is not a well-formed DER certificate (cannot rebuild the precertificate)");
}

} // namespace

Result<std::string> precert_tbs_from_der(std::string_view der)
{
  auto certificate = read_element(der, 0, der.size());
  if (!certificate || certificate->tag != 0x30 || certificate->end != der.size())
    return malformed();
  auto tbs = read_element(der, certificate->content, certificate->end);
  if (!tbs || tbs->tag != 0x30)
    return malformed();
  // Find the [3] EXPLICIT extensions element among the TBS fields.
  std::optional<Element> wrapper;
  for (std::size_t at = tbs->content; at < tbs->end;) {
    auto field = read_element(der, at, tbs->end);
    if (!field)
      return malformed();
    if (field->tag == 0xa3) {
      wrapper = field;
      break;
    }
    at = field->end;
  }
  std::string_view whole_tbs = der.substr(tbs->start, tbs->end - tbs->start);
  if (!wrapper)
    return std::string(whole_tbs);
  auto list = read_element(der, wrapper->content, wrapper->end);
  if (!list || list->tag != 0x30 || list->end != wrapper->end)
    return malformed();
  std::string kept; // the extensions other than the first SCT list, as they were
  bool removed = false;
  for (std::size_t at = list->content; at < list->end;) {
    auto extension = read_element(der, at, list->end);
    if (!extension || extension->tag != 0x30)
      return malformed();
    std::string_view bytes = der.substr(extension->start, extension->end - extension->start);
    std::string_view oid =
        der.substr(extension->content, std::min(sct_list_oid.size(), extension->end - extension->content));
    if (!removed && oid == sct_list_oid) {
      removed = true;
    } else {
      kept.append(bytes);
    }
    at = extension->end;
  }
  if (!removed)
    return std::string(whole_tbs);
  // An extensions list left empty is omitted, as OpenSSL's re-encoding does (OPTIONAL field).
  std::string extensions;
  if (!kept.empty()) {
    std::string sequence = header(0x30, kept.size()) + kept;
    extensions = header(0xa3, sequence.size()) + sequence;
  }
  std::string content;
  content.append(der.substr(tbs->content, wrapper->start - tbs->content));
  content.append(extensions);
  content.append(der.substr(wrapper->end, tbs->end - wrapper->end));
  return header(0x30, content.size()) + content;
}

} // namespace relgate::sig
