// parse_json: RapidJSON's tokenizer with our own number conversion. RapidJSON 1.1.0's
// full-precision number path reads out of bounds on long numbers (Tencent/rapidjson#1251, #1441;
// found by fuzz_evidence_parse), so numbers arrive as text and strtod/strtoll convert them exactly.
#include "json.hpp"

#include "utf8.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace relgate
{
namespace
{

// Forwards SAX events to the document; numbers arrive as text and are converted here.
class ExactNumberHandler
{
public:
  explicit ExactNumberHandler(JsonDocument &doc) : m_doc(doc) {}

  bool Null() { return m_doc.Null(); }
  bool Bool(bool b) { return m_doc.Bool(b); }
  bool Int(int i) { return m_doc.Int(i); }
  bool Uint(unsigned u) { return m_doc.Uint(u); }
  bool Int64(int64_t i) { return m_doc.Int64(i); }
  bool Uint64(uint64_t u) { return m_doc.Uint64(u); }
  bool Double(double d) { return m_doc.Double(d); }
  bool String(const char *text, rapidjson::SizeType length, bool copy)
  {
    return valid(text, length) && m_doc.String(text, length, copy);
  }
  bool Key(const char *text, rapidjson::SizeType length, bool copy)
  {
    return valid(text, length) && m_doc.Key(text, length, copy);
  }
  bool StartObject() { return enter() && m_doc.StartObject(); }
  bool EndObject(rapidjson::SizeType count)
  {
    m_depth.leave();
    return m_doc.EndObject(count);
  }
  bool StartArray() { return enter() && m_doc.StartArray(); }
  bool EndArray(rapidjson::SizeType count)
  {
    m_depth.leave();
    return m_doc.EndArray(count);
  }

  bool RawNumber(const char *raw, rapidjson::SizeType length, bool)
  {
    auto number = convert_json_number(std::string_view(raw, length));
    if (!number) {
      m_problem = number.message();
      return false;
    }
    if (number->integer)
      return m_doc.Int64(*number->integer);
    if (number->unsigned_integer)
      return m_doc.Uint64(*number->unsigned_integer);
    return m_doc.Double(number->value);
  }

  const std::string &problem() const { return m_problem; }

private:
  // RapidJSON 1.1.0 validates raw UTF-8 but lets a lone "\\udc00" escape through as the bytes of a
  // surrogate, which no UTF-8 reader (RapidJSON included) accepts back: what we write would not
  // read again (found by libFuzzer). Escapes are checked here, after decoding.
  bool valid(const char *text, rapidjson::SizeType length)
  {
    if (is_valid_utf8(std::string_view(text, length)))
      return true;
    m_problem = "a string holds an invalid \\u escape (a lone UTF-16 surrogate)";
    return false;
  }

  bool enter()
  {
    if (m_depth.enter())
      return true;
    m_problem = JsonDepthLimit::problem();
    return false;
  }

  JsonDocument &m_doc;
  JsonDepthLimit m_depth;
  std::string m_problem;
};

struct ExactParse {
  std::string_view text;
  rapidjson::ParseResult result;
  std::string problem;

  bool operator()(JsonDocument &doc)
  {
    constexpr unsigned flags = json_reader_flags | rapidjson::kParseValidateEncodingFlag;
    ExactNumberHandler handler(doc);
    rapidjson::MemoryStream stream(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> input(stream);
    rapidjson::Reader reader;
    result = reader.Parse<flags>(input, handler);
    problem = handler.problem();
    return !result.IsError();
  }
};

} // namespace

std::string JsonDepthLimit::problem()
{
  return "nested deeper than " + std::to_string(max_json_depth) + " levels";
}

namespace
{
// Clinger's fast path: "[-]digits.digits" with at most 15 digits is a mantissa below 2^53 and a
// power of ten up to 1e15, both exact doubles, so one IEEE division rounds exactly as strtod
// does. Scanner reports are full of such scores ("7.5", "0.00043"); strtod costs ~20x more.
std::optional<double> short_decimal(std::string_view raw)
{
  static constexpr double powers_of_ten[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                             1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const bool negative = raw[0] == '-';
  uint64_t mantissa = 0;
  int digits = 0;
  int fraction_digits = -1; // -1 until the '.'
  for (std::size_t at = negative ? 1 : 0; at < raw.size(); ++at) {
    const char c = raw[at];
    if (c == '.' && fraction_digits < 0 && digits > 0) {
      fraction_digits = 0;
      continue;
    }
    if (c < '0' || c > '9' || ++digits > 15)
      return std::nullopt;
    mantissa = mantissa * 10 + static_cast<uint64_t>(c - '0');
    if (fraction_digits >= 0)
      ++fraction_digits;
  }
  if (fraction_digits <= 0)
    return std::nullopt;
  const double value = static_cast<double>(mantissa) / powers_of_ten[fraction_digits];
  return negative ? -value : value;
}
} // namespace

Result<JsonNumber> convert_json_number(std::string_view raw)
{
  // The JSON parser has checked the grammar; this guards direct callers (and the NUL strtod needs).
  // One pass over the characters: report parsers convert every number they meet.
  bool grammar = !raw.empty() && (raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'));
  bool integral = true;
  for (std::size_t at = 0; grammar && at < raw.size(); ++at) {
    const char c = raw[at];
    if (c >= '0' && c <= '9')
      continue;
    if (c == '.' || c == 'e' || c == 'E')
      integral = false;
    else if (c != '+' && c != '-')
      grammar = false;
  }
  if (grammar && integral) {
    // The common case without a copy: std::from_chars is exact and locale-free. What it cannot
    // take whole (out of range, an unsigned above INT64_MAX) goes the strto* way below. Not for
    // doubles: libstdc++'s floating-point from_chars makes every executable load libm at start.
    long long value = 0;
    const auto [end, problem] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
    if (problem == std::errc() && end == raw.data() + raw.size())
      return JsonNumber{value, std::nullopt, static_cast<double>(value)};
  }
  if (grammar && !integral) {
    if (const auto value = short_decimal(raw))
      return JsonNumber{std::nullopt, std::nullopt, *value};
  }
  const std::string text(raw.substr(0, grammar ? raw.size() : 40));
  if (!grammar)
    return make_error("'" + text + "' is not a JSON number");
  JsonNumber number;
  char *end = nullptr;
  if (integral) {
    errno = 0;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (errno == 0 && *end == '\0') {
      number.integer = value;
      number.value = static_cast<double>(value);
      return number;
    }
    if (text[0] != '-') {
      errno = 0;
      const unsigned long long unsigned_value = std::strtoull(text.c_str(), &end, 10);
      if (errno == 0 && *end == '\0') {
        number.unsigned_integer = unsigned_value;
        number.value = static_cast<double>(unsigned_value);
        return number;
      }
    }
  }
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (*end != '\0')
    return make_error("'" + text.substr(0, 40) + "' is not a JSON number");
  if (!std::isfinite(value))
    return make_error("number " + text.substr(0, 40) + " is too large for a double");
  number.value = value;
  return number;
}

Result<JsonDocument> parse_json(std::string_view text, std::string_view source_name)
{
  JsonDocument doc;
  ExactParse parse{text, {}, {}};
  doc.Populate(parse);
  if (parse.result.IsError()) {
    const std::string what = parse.problem.empty() ? rapidjson::GetParseError_En(parse.result.Code()) : parse.problem;
    return make_error(std::string(source_name) + ": invalid JSON at byte " + std::to_string(parse.result.Offset()) +
                      ": " + what);
  }
  return doc;
}

} // namespace relgate
