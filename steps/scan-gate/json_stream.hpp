// Streaming JSON for reports of any size: a SAX walker over a ReportInput that gives each open
// object or array a small "context" id chosen by the reader, so memory stays flat and dispatch
// is two ints.
#pragma once

#include "encoding.hpp"
#include "json.hpp"
#include "json_object_keys.hpp"
#include "json_sax_parser.hpp"
#include "report_input.hpp"
#include "result.hpp"
#include "text_case.hpp"

#include <rapidjson/reader.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::scan
{

// A scalar event, without copies: text points into the parser's buffer until the next event.
struct JsonScalar {
  enum class Type { null, boolean, number, string };
  Type type = Type::null;
  std::string_view text;
  double number = 0;              // finite (convert_json_number refuses the rest)
  std::optional<int64_t> integer; // set when the number is an integer that fits int64
  bool flag = false;

  bool is_string() const { return type == Type::string; }
  bool is_number() const { return type == Type::number; }
  std::string_view type_name() const;
};

// Context ids shared by every walker; readers number their own from `first_reader_context`.
constexpr int context_skip = -1;    // inside something the reader ignores
constexpr int context_fail = -2;    // returned by child() after setting an error
constexpr int context_document = 0; // the parent of the root value
constexpr int first_reader_context = 1;
constexpr int no_key = -1;
// key_id()'s answer for a key that matches a known one only when letter case is ignored: Go's
// encoding/json (Trivy, Grype) matches keys that way, so the scanner would read "severity" as
// "Severity" where scan-gate would not; the report is refused.
constexpr int key_case_variant = -2;

// key_index() for a non-ASCII key no name matches exactly: key_case_variant when it matches one
// as Go's JSON reader matches keys (case folded, U+017F and U+212A included), else no_key.
int case_variant_or_no_key(std::string_view key, std::initializer_list<std::string_view> names);

// Lookup of a key among the names a context knows (string literals): its index; key_case_variant
// when it matches one only with letter case ignored, as Go's JSON reader (Trivy, Grype) matches
// keys; else no_key. Runs for every key of every record, so the names' lengths are compile-time
// constants: a name of another length costs one comparison.
template <std::size_t... Size> int key_index(std::string_view key, const char (&...names)[Size])
{
  int index = 0;
  int found = no_key;
  ((found == no_key && key.size() == Size - 1 && std::memcmp(key.data(), names, Size - 1) == 0 ? found = index : 0,
    ++index),
   ...);
  if (found != no_key)
    return found;
  if (is_ascii(key)) // Go folds an ASCII key only by ASCII case; the non-ASCII folds are longer
    return ((key.size() == Size - 1 && ascii_iequals(key, std::string_view(names, Size - 1))) || ...) ? key_case_variant
                                                                                                      : no_key;
  return case_variant_or_no_key(key, {std::string_view(names, Size - 1)...});
}

// CRTP base. Derived provides:
//   int child(int parent_context, int key, bool is_object)   -> context for a new object/array
//   int key_id(int context, std::string_view key)            -> small id, or no_key
//   bool value(int context, int key, const JsonScalar& v)    -> false after fail()
//   bool close(int context)                                  -> object/array with that context ends
template <typename Derived> class SaxWalker
{
public:
  bool Null() { return scalar(JsonScalar{}); }
  bool Bool(bool b)
  {
    JsonScalar v;
    v.type = JsonScalar::Type::boolean;
    v.flag = b;
    return scalar(v);
  }
  // json_reader_flags: numbers always arrive as text (RawNumber), converted exactly.
  bool Int(int) { return unexpected_number(); }
  bool Uint(unsigned) { return unexpected_number(); }
  bool Int64(int64_t) { return unexpected_number(); }
  bool Uint64(uint64_t) { return unexpected_number(); }
  bool Double(double) { return unexpected_number(); }
  bool RawNumber(const char *s, rapidjson::SizeType n, bool)
  {
    auto converted = convert_json_number(std::string_view(s, n));
    if (!converted)
      return fail(converted.message());
    JsonScalar v;
    v.type = JsonScalar::Type::number;
    v.number = converted->value;
    v.integer = converted->integer;
    return scalar(v);
  }
  bool String(const char *s, rapidjson::SizeType n, bool)
  {
    JsonScalar v;
    v.type = JsonScalar::Type::string;
    v.text = std::string_view(s, n);
    return scalar(v);
  }
  bool Key(const char *s, rapidjson::SizeType n, bool)
  {
    switch (m_keys.add(std::string_view(s, n))) {
    case JsonObjectKeys::Added::ok:
      break;
    case JsonObjectKeys::Added::duplicate:
      return fail("duplicate key \"" + std::string(std::string_view(s, n).substr(0, 80)) +
                  "\" in one object (JSON readers disagree on which one counts): remove one of them");
    case JsonObjectKeys::Added::too_many:
      return fail("an object with more than " + std::to_string(max_object_keys) + " keys; no scanner report has one");
    }
    Frame &top = m_stack.back();
    top.key = top.context == context_skip ? no_key : self().key_id(top.context, std::string_view(s, n));
    if (top.key == key_case_variant) {
      return fail("key \"" + printable_excerpt(std::string_view(s, n), 80) +
                  "\" differs from a key scan-gate reads here only in letter case; the scanner's Go JSON reader "
                  "would take it for that key. Write the key as the scanner's schema spells it");
    }
    return true;
  }
  bool StartObject() { return open(true); }
  bool StartArray() { return open(false); }
  bool EndObject(rapidjson::SizeType)
  {
    m_keys.close_object();
    return close_frame();
  }
  bool EndArray(rapidjson::SizeType) { return close_frame(); }

  // The semantic error that stopped the walk ("" when the JSON itself was bad).
  const std::string &error() const { return m_error; }
  std::size_t error_offset() const { return m_error_offset; }
  void set_input(const JsonCursor *cursor, ReportInput *input)
  {
    m_cursor = cursor;
    m_input = input;
    m_next_release = release_interval;
  }

protected:
  // Record an error at the current byte offset and stop the walk.
  bool fail(std::string message)
  {
    m_error = std::move(message);
    m_error_offset = m_cursor ? m_cursor->tell() : 0;
    return false;
  }
  int fail_context(std::string message)
  {
    fail(std::move(message));
    return context_fail;
  }
  std::size_t offset() const { return m_cursor ? m_cursor->tell() : 0; }

private:
  struct Frame {
    int context;
    int key;
  };

  Derived &self() { return static_cast<Derived &>(*this); }

  bool unexpected_number() { return fail("internal error: a number bypassed convert_json_number"); }
  // Hands consumed pages back every release_interval bytes: at the end of objects and arrays,
  // and at scalars, so a long array of numbers or strings does not stay resident whole.
  void release_consumed()
  {
    if (m_input)
      m_input->release_every_interval(m_cursor->current, m_next_release);
  }
  bool scalar(const JsonScalar &v)
  {
    release_consumed();
    const Frame &top = m_stack.back();
    if (top.context == context_skip)
      return true;
    return self().value(top.context, top.key, v);
  }
  bool open(bool is_object)
  {
    if (!m_depth.enter())
      return fail(JsonDepthLimit::problem() + "; a scanner report is never this deep");
    if (is_object)
      m_keys.open_object();
    const Frame &top = m_stack.back();
    int context = top.context == context_skip ? context_skip : self().child(top.context, top.key, is_object);
    if (context == context_fail)
      return false;
    m_stack.push_back(Frame{context, no_key});
    return true;
  }
  bool close_frame()
  {
    release_consumed();
    int context = m_stack.back().context;
    m_stack.pop_back();
    m_depth.leave();
    return context == context_skip ? true : self().close(context);
  }

  std::vector<Frame> m_stack{Frame{context_document, no_key}};
  JsonDepthLimit m_depth;
  JsonObjectKeys m_keys;
  std::string m_error;
  std::size_t m_error_offset = 0;
  const JsonCursor *m_cursor = nullptr;
  ReportInput *m_input = nullptr;
  std::size_t m_next_release = 0;
};

// The bytes of a report as the parser sees them: from after the byte order mark to the end.
struct ReportText {
  const char *begin;
  const char *end; // *end is readable and '\0' (ReportInput guarantees it)
};
inline ReportText report_text(const ReportInput &input)
{
  return ReportText{input.json_begin(), input.data() + input.size()};
}

// RapidJSON's error code and offset for a text the report parser refused (its messages are the
// ones users know); `fallback` when RapidJSON accepts the text (the number rules differ, see the
// parser's comment). With an input, its pages are handed back as RapidJSON moves on.
JsonParseStatus reference_syntax_error(const char *nul_terminated_text, const JsonParseStatus &fallback,
                                       ReportInput *input);

// Runs a walker over the text with the rules every relgate JSON reader shares (common/json.hpp:
// numbers as text, converted exactly; the walker applies the depth limit). Format detection and
// the readers both parse through here, so the fuzz target exercises the binary's exact path.
// A syntax error is described as RapidJSON describes it (reference_syntax_error).
template <typename Walker> JsonParseStatus parse_report_text(const ReportText &text, Walker &walker, ReportInput *input)
{
  JsonSaxParser<Walker> parser(text.begin, text.end);
  walker.set_input(&parser.cursor(), input);
  JsonParseStatus status = parser.parse(walker);
  walker.set_input(nullptr, nullptr); // the cursor dies with the parser
  if (!status.ok() && status.code != rapidjson::kParseErrorTermination)
    status = reference_syntax_error(text.begin, status, input);
  if (status.ok())
    status.offset = parser.cursor().tell(); // where the text ended: a NUL byte before `end`?
  return status;
}

// The non-template half of walk_json: turns a parse status into an error message:
// "r.json: invalid JSON at byte 812 (the file ends early: truncated?): Missing a comma ...".
Error parse_failure(const std::string &source_name, std::string_view expected, rapidjson::ParseErrorCode code,
                    std::size_t offset, std::size_t total_bytes, const std::string &walker_error,
                    std::size_t walker_offset);

// Parses the whole input with the walker, then returns the file's sha256.
template <typename Walker>
Result<std::string> walk_json(ReportInput &input, const std::string &source_name, Walker &walker,
                              std::string_view expected)
{
  const ReportText text = report_text(input);
  const JsonParseStatus parsed = parse_report_text(text, walker, &input);
  if (!parsed.ok()) {
    // A file written to while it was read is no syntax error of its own: say what happened.
    if (std::string changed = input.change_since_opened(); !changed.empty())
      return make_error(source_name + ": " + changed);
    return parse_failure(source_name, expected, parsed.code, parsed.offset, input.size() - input.json_offset(),
                         walker.error(), walker.error_offset());
  }
  if (input.json_offset() + parsed.offset < input.size()) {
    // A '\0' inside the file ends the text early: that is not JSON either.
    return make_error(source_name + ": invalid JSON at byte " + std::to_string(parsed.offset) +
                      ": a NUL byte; expected " + std::string(expected));
  }
  std::string sha256 = input.finish_sha256();
  if (sha256.empty())
    return make_error(source_name + ": read error while hashing the report");
  if (std::string changed = input.change_since_opened(); !changed.empty())
    return make_error(source_name + ": " + changed);
  return sha256;
}

} // namespace relgate::scan
