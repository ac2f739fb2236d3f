// RapidJSON helpers: parsing with errors that name the source and byte offset, canonical
// serialization (RFC 8785 style: sorted keys, no whitespace) and typed field access.
#pragma once

#include "result.hpp"

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate
{

using JsonDocument = rapidjson::Document;
using JsonValue = rapidjson::Value;
using JsonAllocator = rapidjson::Document::AllocatorType;

// source_name is the file name (or "stdin", "response from URL") used in the error message:
// "<source>: invalid JSON at byte 1234: Missing a comma or '}' after an object member".
// Numbers are converted exactly (strtod/strtoll), encoding is validated, and nesting deeper than
// max_json_depth is refused so later recursive walks cannot exhaust the stack.
constexpr int max_json_depth = 64;
Result<JsonDocument> parse_json(std::string_view text, std::string_view source_name);
Result<JsonDocument> parse_json_file(const std::string &path);

// Compact serialization in member order.
std::string to_json(const JsonValue &value);
std::string to_pretty_json(const JsonValue &value);
// Members sorted by key (byte order) at every level, no whitespace: the bytes that are hashed.
std::string to_canonical_json(const JsonValue &value);

// Field access that returns nullptr / nullopt when absent or of another type.
const JsonValue *find_member(const JsonValue &object, std::string_view key);
std::optional<std::string> get_string(const JsonValue &object, std::string_view key);
std::optional<int64_t> get_int64(const JsonValue &object, std::string_view key);
std::optional<double> get_number(const JsonValue &object, std::string_view key);
std::optional<bool> get_bool(const JsonValue &object, std::string_view key);

// Builders that copy strings into the document's allocator.
JsonValue json_string(std::string_view text, JsonAllocator &allocator);
void set_member(JsonValue &object, std::string_view key, JsonValue value, JsonAllocator &allocator);
void set_member(JsonValue &object, std::string_view key, std::string_view text, JsonAllocator &allocator);
JsonValue json_string_array(const std::vector<std::string> &items, JsonAllocator &allocator);

JsonDocument empty_object();
JsonDocument copy_document(const JsonValue &value);

} // namespace relgate
