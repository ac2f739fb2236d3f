// Strict field access shared by the evidence parsers. Strict because the chain hashes
// what we parse: a field we silently dropped or a duplicate key we ignored would be an edit
// that no hash covers.
#pragma once

#include "encoding.hpp"
#include "json.hpp"
#include "result.hpp"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace relgate
{

inline Result<void> check_object_keys(const JsonValue &object, const std::string &where,
                                      const std::vector<std::string_view> &allowed)
{
  std::vector<std::string_view> seen;
  for (const auto &member : object.GetObject()) {
    std::string_view key(member.name.GetString(), member.name.GetStringLength());
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return make_error(where + ": unknown field \"" + printable_excerpt(key) +
                        "\" (remove it, or upgrade relgate if a newer version wrote it)");
    }
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      return make_error(where + ": field \"" + printable_excerpt(key) + "\" appears twice (keep one)");
    }
    seen.push_back(key);
  }
  return ok_result();
}

inline Result<void> check_object_keys(const JsonValue &object, const std::string &where,
                                      std::initializer_list<std::string_view> allowed)
{
  return check_object_keys(object, where, std::vector<std::string_view>(allowed));
}

inline Result<const JsonValue *> required_member(const JsonValue &object, std::string_view key,
                                                 const std::string &where)
{
  const auto it = object.FindMember(rapidjson::StringRef(key.data(), key.size()));
  if (it == object.MemberEnd()) {
    return make_error(where + ": missing field \"" + std::string(key) + "\"");
  }
  return &it->value;
}

inline Result<std::string> required_string(const JsonValue &object, std::string_view key, const std::string &where)
{
  RELGATE_ASSIGN_OR_RETURN(const JsonValue *value, required_member(object, key, where));
  if (!value->IsString()) {
    return make_error(where + "." + std::string(key) + ": must be a string");
  }
  return std::string(value->GetString(), value->GetStringLength());
}

} // namespace relgate
