#include "subject.hpp"

#include "encoding.hpp"

#include <algorithm>
#include <cctype>

namespace relgate
{
namespace
{

constexpr std::size_t max_name_length = 255;

bool is_lower_alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_alnum(char c)
{
  return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

// path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [_.] | "__" | "-"+
bool is_path_component(std::string_view part)
{
  if (part.empty() || !is_lower_alnum(part.front()) || !is_lower_alnum(part.back()))
    return false;
  for (std::size_t i = 0; i < part.size();) {
    if (is_lower_alnum(part[i])) {
      ++i;
      continue;
    }
    std::size_t run = i;
    while (run < part.size() && !is_lower_alnum(part[run]))
      ++run;
    const std::string_view separator = part.substr(i, run - i);
    const bool dashes = std::all_of(separator.begin(), separator.end(), [](char c) { return c == '-'; });
    if (!(separator == "." || separator == "_" || separator == "__" || dashes))
      return false;
    i = run;
  }
  return true;
}

// host := domain-component ('.' domain-component)* | '[' IPv6 ']', then an optional ':' port.
bool is_registry_host(std::string_view host)
{
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos || close == 1)
      return false;
    const std::string_view inside = host.substr(1, close - 1);
    if (!std::all_of(inside.begin(), inside.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.'; }))
      return false;
    const std::string_view rest = host.substr(close + 1);
    if (rest.empty())
      return true;
    if (rest.front() != ':')
      return false;
    port = rest.substr(1);
  } else {
    if (const auto colon = host.find(':'); colon != std::string_view::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
      if (port.empty())
        return false;
    }
    std::size_t start = 0;
    while (true) {
      const auto dot = host.find('.', start);
      const std::string_view label = host.substr(start, dot == std::string_view::npos ? host.npos : dot - start);
      if (label.empty() || !is_alnum(label.front()) || !is_alnum(label.back()) ||
          !std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; }))
        return false;
      if (dot == std::string_view::npos)
        break;
      start = dot + 1;
    }
  }
  if (!port.empty() || (host.size() && host.back() == ':')) {
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return false;
  }
  return true;
}

// Docker's rule: the first component is a registry when it has a '.' or ':' or is "localhost".
bool looks_like_registry(std::string_view first)
{
  return first.find_first_of(".:[") != std::string_view::npos || first == "localhost";
}

// Subjects come from pipeline inputs and evidence files: messages show them escaped and cut, so a
// name cannot forge log lines.
std::string shown(std::string_view text)
{
  return printable_excerpt(text, 160);
}

Error name_error(std::string_view name, const std::string &why)
{
  return make_error("image name '" + shown(name) + "' " + why +
                    " (expected [REGISTRY[:PORT]/]path/name in lower case, e.g. ghcr.io/acme/api)");
}

} // namespace

std::string Subject::str() const
{
  return name.empty() ? digest.str() : name + "@" + digest.str();
}

Result<void> check_image_name(std::string_view name)
{
  if (name.empty())
    return name_error(name, "is empty");
  if (name.size() > max_name_length)
    return name_error(name.substr(0, 40), "is longer than 255 characters");
  std::string_view path = name;
  const auto slash = name.find('/');
  if (slash != std::string_view::npos && looks_like_registry(name.substr(0, slash))) {
    if (!is_registry_host(name.substr(0, slash)))
      return name_error(name, "has an invalid registry host '" + shown(name.substr(0, slash)) + "'");
    path = name.substr(slash + 1);
  }
  if (path.find(':') != std::string_view::npos)
    return name_error(name, "has a tag; drop it (the digest pins the content)");
  std::size_t start = 0;
  while (true) {
    const auto next = path.find('/', start);
    const std::string_view component = path.substr(start, next == std::string_view::npos ? path.npos : next - start);
    if (!is_path_component(component)) {
      return name_error(name, "has an invalid path component '" + shown(component) +
                                  "' (lower-case letters and digits, joined by '.', '_', '__' or '-')");
    }
    if (next == std::string_view::npos)
      break;
    start = next + 1;
  }
  return ok_result();
}

Result<Subject> make_subject(std::string_view name, std::string_view digest_text)
{
  if (!name.empty())
    RELGATE_TRY(check_image_name(name));
  auto digest = parse_digest(digest_text);
  if (!digest)
    return make_error(digest.message());
  if (digest->algorithm != HashAlgorithm::sha256) {
    return make_error("digest " + shown(digest_text.substr(0, 7)) +
                      "... is not sha256 (image subjects are pinned by sha256, as registries and kustomize name them)");
  }
  return Subject{std::string(name), std::move(*digest)};
}

Result<Subject> parse_subject(std::string_view text)
{
  if (text.empty()) {
    return make_error("empty subject: expected NAME@sha256:<64 hex>");
  }
  const auto at = text.find('@');
  if (at == std::string_view::npos) {
    if (!(text.starts_with("sha256:") || text.starts_with("sha384:") || text.starts_with("sha512:"))) {
      return make_error("subject '" + shown(text) +
                        "' has no digest: expected NAME@sha256:<64 hex> (tags are mutable; pin the digest)");
    }
    auto subject = make_subject("", text);
    if (!subject)
      return make_error("subject '" + shown(text) + "': " + subject.message());
    return subject;
  }
  if (at == 0) {
    return make_error("subject '" + shown(text) + "': the name before '@' is empty");
  }
  auto subject = make_subject(text.substr(0, at), text.substr(at + 1));
  if (!subject)
    return make_error("subject '" + shown(text) + "': " + subject.message());
  return subject;
}

} // namespace relgate
