// The one JSON field reader. The free functions below are the strict access the evidence
// parsers share (strict because the chain hashes what we parse: a field we silently dropped or a
// duplicate key we ignored would be an edit that no hash covers). JsonFieldReader reads the
// documents of other tools (Sigstore bundles, trusted roots), whose unknown fields are ignored,
// and names each field in its errors.
#pragma once

#include "encoding.hpp"
#include "json.hpp"
#include "result.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <optional>
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

// Errors read "<source>: <field>: <problem>", e.g. "bundle.json: verificationMaterial.tlogEntries[0]
// .logIndex: must not be negative (got -1)". `field` is the path a person would write. Optional
// members that are absent read as nullptr / "" / nullopt.
struct JsonFieldReader {
  std::string source;

  Error error(const std::string &field, const std::string &problem) const
  {
    return make_error(source + ": " + field + ": " + problem);
  }

  Result<const JsonValue *> member(const JsonValue &parent, std::string_view key, const std::string &field,
                                   bool required) const
  {
    if (!parent.IsObject())
      return error(field, "its parent is not an object");
    const auto it = parent.FindMember(rapidjson::StringRef(key.data(), key.size()));
    if (it == parent.MemberEnd()) {
      if (required)
        return error(field, "missing");
      return static_cast<const JsonValue *>(nullptr);
    }
    return &it->value;
  }

  Result<const JsonValue *> object(const JsonValue &parent, std::string_view key, const std::string &field,
                                   bool required) const
  {
    RELGATE_ASSIGN_OR_RETURN(const JsonValue *value, member(parent, key, field, required));
    if (value != nullptr && !value->IsObject())
      return error(field, "expected an object");
    return value;
  }

  Result<const JsonValue *> array(const JsonValue &parent, std::string_view key, const std::string &field,
                                  bool required) const
  {
    RELGATE_ASSIGN_OR_RETURN(const JsonValue *value, member(parent, key, field, required));
    if (value != nullptr && !value->IsArray())
      return error(field, "expected an array");
    return value;
  }

  // Absent optional strings read as "" (every optional string field treats empty as unset).
  Result<std::string> string(const JsonValue &parent, std::string_view key, const std::string &field,
                             bool required) const
  {
    RELGATE_ASSIGN_OR_RETURN(const JsonValue *value, member(parent, key, field, required));
    if (value == nullptr)
      return std::string();
    if (!value->IsString())
      return error(field, "expected a string");
    return std::string(value->GetString(), value->GetStringLength());
  }

  // A required base64 string (protobuf JSON bytes), decoded.
  Result<std::string> bytes(const JsonValue &parent, std::string_view key, const std::string &field) const
  {
    RELGATE_ASSIGN_OR_RETURN(auto text, string(parent, key, field, true));
    auto decoded = base64_decode(text);
    if (!decoded)
      return error(field, "not valid base64");
    return std::move(decoded).value();
  }

  // proto3 JSON writes int64 as a string; a number is accepted too. Negative values are refused.
  Result<std::optional<int64_t>> int64(const JsonValue &parent, std::string_view key, const std::string &field,
                                       bool required) const
  {
    RELGATE_ASSIGN_OR_RETURN(const JsonValue *value, member(parent, key, field, required));
    if (value == nullptr)
      return std::optional<int64_t>();
    int64_t number = 0;
    if (value->IsInt64()) {
      number = value->GetInt64();
    } else if (value->IsString()) {
      std::string_view text(value->GetString(), value->GetStringLength());
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
      if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return error(field, "expected an integer, got '" + printable_excerpt(text) + "'");
      }
    } else {
      return error(field, "expected an integer");
    }
    if (number < 0)
      return error(field, "must not be negative (got " + std::to_string(number) + ")");
    return std::optional<int64_t>(number);
  }
};

} // namespace relgate
