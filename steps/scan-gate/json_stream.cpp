#include "json_stream.hpp"

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
    if (m_input && m_stream.Tell() >= m_next_release) {
      m_input->release_before(m_stream.src_);
      m_next_release = m_stream.Tell() + release_interval;
    }
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
