#include "unique_json.hpp"

#include "encoding.hpp"

#include <algorithm>
#include <vector>

namespace relgate::sig
{

namespace
{

// One step from the root to a value: a member name, or an array index when name is null.
struct PathStep {
  const JsonValue *name = nullptr;
  rapidjson::SizeType index = 0;
};

std::string describe(const std::vector<PathStep> &path)
{
  std::string text;
  for (const auto &step : path) {
    if (step.name == nullptr) {
      text += "[" + std::to_string(step.index) + "]";
      continue;
    }
    if (!text.empty())
      text += ".";
    text += printable_excerpt(std::string_view(step.name->GetString(), step.name->GetStringLength()), 80);
  }
  return text.empty() ? "(root)" : text;
}

// Recursion is bounded: parse_json refuses nesting deeper than max_json_depth.
Result<void> check_unique(const JsonValue &value, std::vector<PathStep> &path, const std::string &source)
{
  if (value.IsArray()) {
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
      path.push_back(PathStep{nullptr, i});
      RELGATE_TRY(check_unique(value[i], path, source));
      path.pop_back();
    }
    return ok_result();
  }
  if (!value.IsObject())
    return ok_result();
  std::vector<std::string_view> names;
  names.reserve(value.MemberCount());
  for (const auto &member : value.GetObject()) {
    names.emplace_back(member.name.GetString(), member.name.GetStringLength());
    path.push_back(PathStep{&member.name, 0});
    RELGATE_TRY(check_unique(member.value, path, source));
    path.pop_back();
  }
  std::sort(names.begin(), names.end());
  auto twice = std::adjacent_find(names.begin(), names.end());
  if (twice != names.end()) {
    return make_error(source + ": " + describe(path) + ": member \"" + printable_excerpt(*twice, 80) +
                      "\" appears twice (remove one: JSON readers disagree on which one counts, and sigstore-go "
                      "refuses such a document)");
  }
  return ok_result();
}

} // namespace

Result<JsonDocument> parse_unique_json(std::string_view text, const std::string &source)
{
  RELGATE_ASSIGN_OR_RETURN(auto document, parse_json(text, source));
  std::vector<PathStep> path;
  RELGATE_TRY(check_unique(document, path, source));
  return document;
}

} // namespace relgate::sig
