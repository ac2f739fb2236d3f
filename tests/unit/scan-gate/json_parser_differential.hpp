// The report parser against RapidJSON on the same bytes: both must accept the same documents and
// hand the same events (text, kind and byte offset) to the handler, or refuse at the same event.
// Shared by the unit test and the fuzz target fuzz_scan_json_parser.
#pragma once

#include "json.hpp"
#include "json_sax_parser.hpp"

#include <rapidjson/reader.h>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::scan::testing
{

// Every event as one line: kind, offset, text.
class JsonEventLog
{
public:
  std::function<std::size_t()> tell;
  std::vector<std::string> events;

  bool Null() { return add("null", {}); }
  bool Bool(bool b) { return add(b ? "true" : "false", {}); }
  bool Int(int) { return add("unexpected int", {}); }
  bool Uint(unsigned) { return add("unexpected uint", {}); }
  bool Int64(int64_t) { return add("unexpected int64", {}); }
  bool Uint64(uint64_t) { return add("unexpected uint64", {}); }
  bool Double(double) { return add("unexpected double", {}); }
  bool RawNumber(const char *s, rapidjson::SizeType n, bool) { return add("number", std::string_view(s, n)); }
  bool String(const char *s, rapidjson::SizeType n, bool) { return add("string", std::string_view(s, n)); }
  bool Key(const char *s, rapidjson::SizeType n, bool) { return add("key", std::string_view(s, n)); }
  bool StartObject() { return add("{", {}); }
  bool EndObject(rapidjson::SizeType) { return add("}", {}); }
  bool StartArray() { return add("[", {}); }
  bool EndArray(rapidjson::SizeType) { return add("]", {}); }

private:
  bool add(std::string_view kind, std::string_view text)
  {
    std::string line(kind);
    line += ' ';
    line += std::to_string(tell());
    line += ' ';
    line += text;
    events.push_back(std::move(line));
    return events.size() < 100000; // bounded, like the walkers' limits
  }
};

struct DifferentialResult {
  bool same = true;
  std::string difference; // what differed, for the failure message
  bool accepted = false;  // by the report parser
};

// `text` must be followed by a readable NUL (a std::string's c_str()).
inline DifferentialResult compare_with_rapidjson(std::string_view text)
{
  JsonEventLog ours;
  JsonSaxParser<JsonEventLog> parser(text.data(), text.data() + text.size());
  ours.tell = [&] { return parser.cursor().tell(); };
  const JsonParseStatus status = parser.parse(ours);

  JsonEventLog reference;
  rapidjson::StringStream stream(text.data());
  reference.tell = [&] { return stream.Tell(); };
  rapidjson::Reader reader;
  const rapidjson::ParseResult parsed = reader.Parse<json_reader_flags>(stream, reference);

  DifferentialResult result;
  result.accepted = status.ok();
  // RapidJSON refuses some finite numbers outright (0e400: its exponent limit); the report parser
  // passes them to convert_json_number, which takes what a double holds.
  // Up to that number the events must still agree.
  if (parsed.Code() == rapidjson::kParseErrorNumberTooBig) {
    const bool prefix = ours.events.size() >= reference.events.size() &&
                        std::equal(reference.events.begin(), reference.events.end(), ours.events.begin());
    if (!prefix) {
      result.same = false;
      result.difference = "events before a number RapidJSON calls too big differ";
    }
    return result;
  }
  if (status.ok() != !parsed.IsError()) {
    result.same = false;
    result.difference = std::string("accepted: ours ") + (status.ok() ? "yes" : "no") + ", RapidJSON " +
                        (parsed.IsError() ? "no" : "yes");
  }
  const bool ended_same = status.ok() ? parser.cursor().tell() == stream.Tell() : true;
  if (result.same && !ended_same) {
    result.same = false;
    result.difference =
        "end offset: ours " + std::to_string(parser.cursor().tell()) + ", RapidJSON " + std::to_string(stream.Tell());
  }
  if (result.same && ours.events != reference.events) {
    result.same = false;
    std::size_t i = 0;
    while (i < ours.events.size() && i < reference.events.size() && ours.events[i] == reference.events[i])
      ++i;
    result.difference = "event " + std::to_string(i) + ": ours '" +
                        (i < ours.events.size() ? ours.events[i] : std::string("(none)")) + "', RapidJSON '" +
                        (i < reference.events.size() ? reference.events[i] : std::string("(none)")) + "'";
  }
  return result;
}

} // namespace relgate::scan::testing
