#include "json_stream.hpp"

#include <openssl/evp.h>
#include <rapidjson/error/en.h>

namespace relgate::scan {

struct HashingFileStream::HashState
{
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  ~HashState() { EVP_MD_CTX_free(context); }
};

HashingFileStream::HashingFileStream(std::FILE* file, std::size_t buffer_size)
    : m_file(file), m_size(buffer_size < 16 ? 16 : buffer_size), m_buffer(new char[m_size + 1]),
      m_last(m_buffer.get()), m_current(m_buffer.get()), m_hash(std::make_unique<HashState>())
{
  EVP_DigestInit_ex(m_hash->context, EVP_sha256(), nullptr);
  refill();
}

HashingFileStream::~HashingFileStream() = default;

void HashingFileStream::refill()
{
  m_consumed += m_read_count;
  m_read_count = std::fread(m_buffer.get(), 1, m_size, m_file);
  m_current = m_buffer.get();
  m_last = m_buffer.get() + m_read_count - 1;
  if (m_read_count > 0) {
    EVP_DigestUpdate(m_hash->context, m_buffer.get(), m_read_count);
  }
  if (m_read_count < m_size) {
    if (std::ferror(m_file)) m_read_error = true;
    // The '\0' after the data is what the parser sees at the end, as with FileReadStream.
    m_buffer[m_read_count] = '\0';
    ++m_last;
    m_eof = true;
  }
}

std::string HashingFileStream::finish_sha256()
{
  while (!m_eof) {
    m_current = m_last;
    refill();
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(m_hash->context, digest, &length);
  static const char* hex = "0123456789abcdef";
  std::string text;
  text.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    text += hex[digest[i] >> 4];
    text += hex[digest[i] & 0xf];
  }
  return text;
}

std::string_view JsonScalar::type_name() const
{
  switch (type) {
  case Type::null: return "null";
  case Type::boolean: return "a boolean";
  case Type::number: return "a number";
  case Type::string: return "a string";
  }
  return "a value";
}

Error parse_failure(const std::string& source_name, std::string_view expected,
                    rapidjson::ParseErrorCode code, std::size_t offset, std::size_t total_bytes,
                    const std::string& walker_error, std::size_t walker_offset)
{
  if (code == rapidjson::kParseErrorTermination && !walker_error.empty()) {
    return make_error(source_name + ": byte " + std::to_string(walker_offset) + ": " + walker_error);
  }
  if (code == rapidjson::kParseErrorDocumentEmpty) {
    return make_error(source_name + ": the file is empty; expected " + std::string(expected));
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
