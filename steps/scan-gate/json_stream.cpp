#include "json_stream.hpp"
#include "text_case.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

namespace relgate::scan
{

std::string_view JsonScalar::type_name() const
{
  switch (type) {
  case Type::null:
    return "null";
  case Type::boolean:
    return "a boolean";
  case Type::number:
    return "a number";
  case Type::string:
    return "a string";
  }
  return "a value";
}

namespace
{
// Go's case-insensitive key match (bytes.EqualFold): ASCII letters fold, and so do the two
// non-ASCII letters whose simple folding reaches ASCII, U+017F (long s) and U+212A (Kelvin sign).
bool go_equal_fold(std::string_view key, std::string_view name)
{
  std::size_t at = 0;
  for (char wanted : name) {
    const char lower = ascii_lower(wanted);
    if (at < key.size() && static_cast<unsigned char>(key[at]) < 0x80) {
      if (ascii_lower(key[at]) != lower)
        return false;
      ++at;
    } else if (lower == 's' && key.substr(at, 2) == "\xC5\xBF") {
      at += 2;
    } else if (lower == 'k' && key.substr(at, 3) == "\xE2\x84\xAA") {
      at += 3;
    } else {
      return false;
    }
  }
  return at == key.size();
}
} // namespace

int case_variant_or_no_key(std::string_view key, std::initializer_list<std::string_view> names)
{
  // An ASCII key can fold-match only a name of its own length (the non-ASCII folds are longer).
  const bool ascii = is_ascii(key);
  for (std::string_view name : names) {
    const bool possible = key.size() == name.size() || (!ascii && key.size() > name.size());
    if (possible && go_equal_fold(key, name))
      return key_case_variant;
  }
  return no_key;
}

namespace
{
// Takes every event (only syntax matters here; RapidJSON's iterative parser keeps its stack on the
// heap, so depth is no risk) and hands consumed pages back like the walkers do, so a huge broken
// report is read a second time in flat memory.
class AcceptAllReleasing : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, AcceptAllReleasing>
{
public:
  AcceptAllReleasing(const rapidjson::StringStream &stream, ReportInput *input) : m_stream(stream), m_input(input) {}
  bool EndObject(rapidjson::SizeType) { return release(); }
  bool EndArray(rapidjson::SizeType) { return release(); }

private:
  bool release()
  {
    if (m_input)
      m_input->release_every_interval(m_stream.src_, m_next_release);
    return true;
  }
  const rapidjson::StringStream &m_stream;
  ReportInput *m_input;
  std::size_t m_next_release = release_interval;
};
} // namespace

JsonParseStatus reference_syntax_error(const char *nul_terminated_text, const JsonParseStatus &fallback,
                                       ReportInput *input)
{
  rapidjson::StringStream stream(nul_terminated_text);
  AcceptAllReleasing handler(stream, input);
  if (input)
    input->restart_release();
  rapidjson::Reader reader;
  const rapidjson::ParseResult reference = reader.Parse<json_reader_flags>(stream, handler);
  if (!reference.IsError())
    return fallback;
  return JsonParseStatus{reference.Code(), reference.Offset()};
}

Error parse_failure(const std::string &source_name, std::string_view expected, rapidjson::ParseErrorCode code,
                    std::size_t offset, std::size_t total_bytes, const std::string &walker_error,
                    std::size_t walker_offset)
{
  if (code == rapidjson::kParseErrorTermination && !walker_error.empty()) {
    return make_error(source_name + ": byte " + std::to_string(walker_offset) + ": " + walker_error);
  }
  if (code == rapidjson::kParseErrorDocumentEmpty) {
    return make_error(source_name + ": no JSON value (the file is empty or blank); expected " + std::string(expected));
  }
  std::string message = source_name + ": invalid JSON at byte " + std::to_string(offset);
  if (offset >= total_bytes && code != rapidjson::kParseErrorDocumentRootNotSingular) {
    message += " (the file ends early: truncated?)";
  }
  message += ": ";
  message += rapidjson::GetParseError_En(code);
  message += " Expected ";
  message += expected;
  message += '.';
  return make_error(std::move(message));
}

} // namespace relgate::scan
