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

// The rules every relgate JSON reader shares (parse_json here, scan-gate's streaming walkers):
// RapidJSON hands numbers over as text and keeps its parse stack on the heap, because its
// full-precision number path reads out of bounds on long mantissas (Tencent/rapidjson#1251, #1441)
// and its recursive parser overflows the thread stack on deep nesting. Numbers are then converted
// by convert_json_number, and JsonDepthLimit refuses nesting deeper than max_json_depth.
constexpr unsigned json_reader_flags = rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag;
constexpr int max_json_depth = 64;

// A JSON number converted exactly (strtoll / strtoull / strtod on the whole text).
struct JsonNumber {
  std::optional<int64_t> integer;           // when the text is an integer that fits int64
  std::optional<uint64_t> unsigned_integer; // a non-negative integer above INT64_MAX
  double value = 0;                         // always set, finite
};
// An error for a number no double holds ("number 1e999 is too large for a double"), or for text
// that is not a JSON number at all.
Result<JsonNumber> convert_json_number(std::string_view text);

// Counts open objects and arrays; enter() is false past max_json_depth (then problem() says why).
class JsonDepthLimit
{
public:
  bool enter() { return ++m_depth <= max_json_depth; }
  void leave() { --m_depth; }
  static std::string problem();

private:
  int m_depth = 0;
};

// source_name is the file name (or "stdin", "response from URL") used in the error message:
// "<source>: invalid JSON at byte 1234: Missing a comma or '}' after an object member".
// Uses json_reader_flags and validates the encoding.
Result<JsonDocument> parse_json(std::string_view text, std::string_view source_name);

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

// Builders that copy strings into the document's allocator. Text that is not UTF-8 is stored with
// U+FFFD for each bad byte (to_valid_utf8), so every document relgate writes is valid UTF-8: JSON
// readers (parse_json included) refuse the whole file otherwise. Writers that stream text
// (scan-gate) repair it the same way.
JsonValue json_string(std::string_view text, JsonAllocator &allocator);
void set_member(JsonValue &object, std::string_view key, JsonValue value, JsonAllocator &allocator);
void set_member(JsonValue &object, std::string_view key, std::string_view text, JsonAllocator &allocator);
JsonValue json_string_array(const std::vector<std::string> &items, JsonAllocator &allocator);

JsonDocument empty_object();
JsonDocument copy_document(const JsonValue &value);

} // namespace relgate
