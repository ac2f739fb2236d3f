#include "image_name.hpp"

#include <string>

namespace relgate::gitops
{
namespace
{

bool lower_alnum(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool path_component(std::string_view part)
{
  if (part.empty() || !lower_alnum(part.front()) || !lower_alnum(part.back()))
    return false;
  for (std::size_t i = 0; i < part.size(); ++i) {
    char c = part[i];
    if (lower_alnum(c))
      continue;
    if (c == '.' || c == '_') {
      // '.', '_' or "__" between alphanumerics.
      std::size_t run = 1;
      while (i + run < part.size() && part[i + run] == '_' && c == '_')
        ++run;
      if (run > 2 || !lower_alnum(part[i + run]))
        return false;
      i += run - 1;
    } else if (c == '-') {
      while (i + 1 < part.size() && part[i + 1] == '-')
        ++i;
      if (!lower_alnum(part[i + 1]))
        return false;
    } else {
      return false;
    }
  }
  return true;
}

bool host_label_char(char c)
{
  return lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '-';
}

bool registry_host(std::string_view host)
{
  auto colon = host.find(':');
  auto name = host.substr(0, colon);
  if (colon != std::string_view::npos) {
    auto port = host.substr(colon + 1);
    if (port.empty() || port.size() > 5)
      return false;
    for (char c : port) {
      if (c < '0' || c > '9')
        return false;
    }
  }
  if (name.empty() || name.front() == '.' || name.back() == '.' || name.front() == '-')
    return false;
  for (char c : name) {
    if (!host_label_char(c) && c != '.')
      return false;
  }
  return name.find("..") == std::string_view::npos;
}

} // namespace

Result<void> validate_image_name(std::string_view name, std::string_view what)
{
  auto bad = [&](const std::string &why) {
    std::string shown(name.substr(0, 80));
    for (char &c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
        c = '?';
    }
    return make_error(std::string(what) + " '" + shown + "' is not an OCI image name (" + why +
                      "): expected [host[:port]/]path in lower case, e.g. ghcr.io/acme/api");
  };
  if (name.empty())
    return bad("empty");
  if (name.size() > 255)
    return bad("longer than 255 characters");
  std::size_t start = 0;
  auto first_slash = name.find('/');
  if (first_slash != std::string_view::npos) {
    auto first = name.substr(0, first_slash);
    // Like the reference grammar: the first part is a host when it has '.' or ':' or is localhost.
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
        first == "localhost") {
      if (!registry_host(first))
        return bad("registry host '" + std::string(first) + "'");
      start = first_slash + 1;
    }
  }
  if (start >= name.size())
    return bad("no repository path");
  while (start <= name.size()) {
    auto end = name.find('/', start);
    if (end == std::string_view::npos)
      end = name.size();
    if (!path_component(name.substr(start, end - start)))
      return bad("path component '" + std::string(name.substr(start, end - start)) + "'");
    start = end + 1;
  }
  return ok_result();
}

} // namespace relgate::gitops
