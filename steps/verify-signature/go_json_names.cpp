#include "go_json_names.hpp"

#include "encoding.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace relgate::sig
{

std::string go_folded_name(std::string_view name)
{
  constexpr std::string_view long_s = "\xC5\xBF";     // U+017F LATIN SMALL LETTER LONG S
  constexpr std::string_view kelvin = "\xE2\x84\xAA"; // U+212A KELVIN SIGN
  std::string folded;
  folded.reserve(name.size());
  for (std::size_t i = 0; i < name.size();) {
    if (name.substr(i, long_s.size()) == long_s) {
      folded += 'S';
      i += long_s.size();
    } else if (name.substr(i, kelvin.size()) == kelvin) {
      folded += 'K';
      i += kelvin.size();
    } else {
      char c = name[i++];
      folded += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
  }
  return folded;
}

namespace
{

// Recursion is bounded: parse_json refuses nesting deeper than max_json_depth.
Result<void> check_unique(const JsonValue &value, const std::string &path, const std::string &source)
{
  if (value.IsArray()) {
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i)
      RELGATE_TRY(check_unique(value[i], path + "[" + std::to_string(i) + "]", source));
    return ok_result();
  }
  if (!value.IsObject())
    return ok_result();
  std::vector<std::pair<std::string, std::string_view>> names; // folded, as written
  names.reserve(value.MemberCount());
  for (const auto &member : value.GetObject()) {
    std::string_view name(member.name.GetString(), member.name.GetStringLength());
    names.emplace_back(go_folded_name(name), name);
    std::string printable = printable_excerpt(name, 80);
    RELGATE_TRY(check_unique(member.value, path == "(root)" ? printable : path + "." + printable, source));
  }
  std::stable_sort(names.begin(), names.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
  auto twice =
      std::adjacent_find(names.begin(), names.end(), [](const auto &a, const auto &b) { return a.first == b.first; });
  if (twice == names.end())
    return ok_result();
  return make_error(source + ": " + path + ": members \"" + printable_excerpt(twice->second, 80) + "\" and \"" +
                    printable_excerpt(std::next(twice)->second, 80) +
                    "\" are one field to Go's encoding/json, which cosign reads this file with (it keeps the "
                    "last one, relgate would verify the first): remove one");
}

} // namespace

Result<void> check_go_unique_members(const JsonValue &document, const std::string &source)
{
  return check_unique(document, "(root)", source);
}

const JsonValue *find_member_go(const JsonValue &object, std::string_view key)
{
  if (!object.IsObject())
    return nullptr;
  std::string wanted = go_folded_name(key);
  for (const auto &member : object.GetObject()) {
    if (go_folded_name(std::string_view(member.name.GetString(), member.name.GetStringLength())) == wanted)
      return &member.value;
  }
  return nullptr;
}

} // namespace relgate::sig
