#include "json.hpp"

#include "utf8.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

namespace relgate
{

namespace
{

void write_canonical(const JsonValue &value, rapidjson::Writer<rapidjson::StringBuffer> &writer)
{
  if (value.IsObject()) {
    std::vector<const JsonValue::Member *> members;
    members.reserve(value.MemberCount());
    for (const auto &member : value.GetObject())
      members.push_back(&member);
    std::sort(members.begin(), members.end(), [](const auto *a, const auto *b) {
      return std::string_view(a->name.GetString(), a->name.GetStringLength()) <
             std::string_view(b->name.GetString(), b->name.GetStringLength());
    });
    writer.StartObject();
    for (const auto *member : members) {
      writer.Key(member->name.GetString(), member->name.GetStringLength());
      write_canonical(member->value, writer);
    }
    writer.EndObject();
  } else if (value.IsArray()) {
    writer.StartArray();
    for (const auto &item : value.GetArray())
      write_canonical(item, writer);
    writer.EndArray();
  } else {
    value.Accept(writer);
  }
}

// Members are compared by index: clang warns on rapidjson's member-iterator operator== in C++20.
template <typename Value> auto member_value(Value &object, std::string_view key) -> decltype(&object)
{
  if (!object.IsObject())
    return nullptr;
  for (rapidjson::SizeType i = 0; i < object.MemberCount(); ++i) {
    auto &member = object.MemberBegin()[i];
    if (std::string_view(member.name.GetString(), member.name.GetStringLength()) == key)
      return &member.value;
  }
  return nullptr;
}

} // namespace

std::string to_json(const JsonValue &value)
{
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string to_pretty_json(const JsonValue &value)
{
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string to_canonical_json(const JsonValue &value)
{
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  write_canonical(value, writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

const JsonValue *find_member(const JsonValue &object, std::string_view key)
{
  return member_value(object, key);
}

std::optional<std::string> get_string(const JsonValue &object, std::string_view key)
{
  const JsonValue *value = find_member(object, key);
  if (!value || !value->IsString())
    return std::nullopt;
  return std::string(value->GetString(), value->GetStringLength());
}

std::optional<int64_t> get_int64(const JsonValue &object, std::string_view key)
{
  const JsonValue *value = find_member(object, key);
  if (!value || !value->IsInt64())
    return std::nullopt;
  return value->GetInt64();
}

std::optional<double> get_number(const JsonValue &object, std::string_view key)
{
  const JsonValue *value = find_member(object, key);
  if (!value || !value->IsNumber())
    return std::nullopt;
  return value->GetDouble();
}

std::optional<bool> get_bool(const JsonValue &object, std::string_view key)
{
  const JsonValue *value = find_member(object, key);
  if (!value || !value->IsBool())
    return std::nullopt;
  return value->GetBool();
}

JsonValue json_string(std::string_view text, JsonAllocator &allocator)
{
  if (is_valid_utf8(text))
    return JsonValue(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
  const std::string valid = to_valid_utf8(text);
  return JsonValue(valid.data(), static_cast<rapidjson::SizeType>(valid.size()), allocator);
}

void set_member(JsonValue &object, std::string_view key, JsonValue value, JsonAllocator &allocator)
{
  if (JsonValue *existing = member_value(object, key)) {
    *existing = std::move(value);
    return;
  }
  object.AddMember(json_string(key, allocator), value, allocator);
}

void set_member(JsonValue &object, std::string_view key, std::string_view text, JsonAllocator &allocator)
{
  set_member(object, key, json_string(text, allocator), allocator);
}

JsonValue json_string_array(const std::vector<std::string> &items, JsonAllocator &allocator)
{
  JsonValue array(rapidjson::kArrayType);
  for (const auto &item : items)
    array.PushBack(json_string(item, allocator), allocator);
  return array;
}

JsonDocument empty_object()
{
  JsonDocument document;
  document.SetObject();
  return document;
}

JsonDocument copy_document(const JsonValue &value)
{
  JsonDocument document;
  document.CopyFrom(value, document.GetAllocator());
  return document;
}

} // namespace relgate
