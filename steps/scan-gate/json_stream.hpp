// Streaming JSON for reports of any size: a buffered file stream that hashes what it reads
// (so the report's sha256 costs no second pass), and a SAX walker that gives each open object or
// array a small "context" id chosen by the reader, so memory stays flat and dispatch is two ints.
#pragma once

#include "result.hpp"

#include <rapidjson/reader.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::scan {

// RapidJSON input stream over a FILE*, reading large blocks; every block goes through SHA-256.
class HashingFileStream
{
public:
  using Ch = char;
  static constexpr std::size_t default_buffer_size = 1 << 20;

  explicit HashingFileStream(std::FILE* file, std::size_t buffer_size = default_buffer_size);
  ~HashingFileStream();
  HashingFileStream(const HashingFileStream&) = delete;
  HashingFileStream& operator=(const HashingFileStream&) = delete;

  Ch Peek() const { return *m_current; }
  Ch Take()
  {
    Ch c = *m_current;
    advance();
    return c;
  }
  std::size_t Tell() const { return m_consumed + static_cast<std::size_t>(m_current - m_buffer.get()); }

  // Not used by a reader; RapidJSON's stream concept asks for them.
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  std::size_t PutEnd(Ch*) { return 0; }

  // Reads and hashes whatever the parser did not need (trailing whitespace), then the hex digest.
  std::string finish_sha256();
  std::size_t bytes_read() const { return m_consumed + m_read_count; }
  bool read_error() const { return m_read_error; }

private:
  void advance()
  {
    if (m_current < m_last) {
      ++m_current;
    } else if (!m_eof) {
      refill();
    }
  }
  void refill();

  std::FILE* m_file;
  std::size_t m_size;
  std::unique_ptr<char[]> m_buffer;
  char* m_last;
  char* m_current;
  std::size_t m_read_count = 0;
  std::size_t m_consumed = 0;
  bool m_eof = false;
  bool m_read_error = false;
  struct HashState;
  std::unique_ptr<HashState> m_hash;
};

// A scalar event, without copies: text points into the parser's buffer until the next event.
struct JsonScalar
{
  enum class Type { null, boolean, number, string };
  Type type = Type::null;
  std::string_view text;
  double number = 0;
  bool flag = false;

  bool is_string() const { return type == Type::string; }
  bool is_number() const { return type == Type::number; }
  std::string_view type_name() const;
};

// Context ids shared by every walker; readers number their own from `first_reader_context`.
constexpr int context_skip = -1;     // inside something the reader ignores
constexpr int context_fail = -2;     // returned by child() after setting an error
constexpr int context_document = 0;  // the parent of the root value
constexpr int first_reader_context = 1;
constexpr int no_key = -1;

// CRTP base. Derived provides:
//   int child(int parent_context, int key, bool is_object)   -> context for a new object/array
//   int key_id(int context, std::string_view key)            -> small id, or no_key
//   bool value(int context, int key, const JsonScalar& v)    -> false after fail()
//   bool close(int context)                                  -> object/array with that context ends
template<typename Derived> class SaxWalker
{
public:
  bool Null() { return scalar(JsonScalar{}); }
  bool Bool(bool b) { JsonScalar v; v.type = JsonScalar::Type::boolean; v.flag = b; return scalar(v); }
  bool Int(int i) { return number(static_cast<double>(i)); }
  bool Uint(unsigned u) { return number(static_cast<double>(u)); }
  bool Int64(int64_t i) { return number(static_cast<double>(i)); }
  bool Uint64(uint64_t u) { return number(static_cast<double>(u)); }
  bool Double(double d) { return number(d); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return true; }
  bool String(const char* s, rapidjson::SizeType n, bool)
  {
    JsonScalar v;
    v.type = JsonScalar::Type::string;
    v.text = std::string_view(s, n);
    return scalar(v);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool)
  {
    Frame& top = m_stack.back();
    top.key = top.context == context_skip ? no_key : self().key_id(top.context, std::string_view(s, n));
    return true;
  }
  bool StartObject() { return open(true); }
  bool StartArray() { return open(false); }
  bool EndObject(rapidjson::SizeType) { return close_frame(); }
  bool EndArray(rapidjson::SizeType) { return close_frame(); }

  // The semantic error that stopped the walk ("" when the JSON itself was bad).
  const std::string& error() const { return m_error; }
  std::size_t error_offset() const { return m_error_offset; }
  void set_stream(const HashingFileStream* stream) { m_stream = stream; }
  std::size_t depth() const { return stack_depth(); }

protected:
  // Record an error at the current byte offset and stop the walk.
  bool fail(std::string message)
  {
    m_error = std::move(message);
    m_error_offset = m_stream ? m_stream->Tell() : 0;
    return false;
  }
  int fail_context(std::string message)
  {
    fail(std::move(message));
    return context_fail;
  }
  std::size_t offset() const { return m_stream ? m_stream->Tell() : 0; }
  // The context of the enclosing frame (the one holding the current key).
  int parent_context() const { return stack_depth() >= 2 ? m_stack[m_stack.size() - 2].context : context_document; }

private:
  struct Frame
  {
    int context;
    int key;
  };

  Derived& self() { return static_cast<Derived&>(*this); }
  std::size_t stack_depth() const { return m_stack.size(); }

  bool number(double d)
  {
    JsonScalar v;
    v.type = JsonScalar::Type::number;
    v.number = d;
    return scalar(v);
  }
  bool scalar(const JsonScalar& v)
  {
    const Frame& top = m_stack.back();
    if (top.context == context_skip) return true;
    return self().value(top.context, top.key, v);
  }
  bool open(bool is_object)
  {
    const Frame& top = m_stack.back();
    int context = top.context == context_skip ? context_skip : self().child(top.context, top.key, is_object);
    if (context == context_fail) return false;
    m_stack.push_back(Frame{context, no_key});
    return true;
  }
  bool close_frame()
  {
    int context = m_stack.back().context;
    m_stack.pop_back();
    return context == context_skip ? true : self().close(context);
  }

  std::vector<Frame> m_stack{Frame{context_document, no_key}};
  std::string m_error;
  std::size_t m_error_offset = 0;
  const HashingFileStream* m_stream = nullptr;
};

struct StreamStats
{
  std::string sha256;
  std::size_t bytes = 0;
};

// Parses the whole stream with the walker. Errors name the source, the byte offset and what was
// expected: "r.json: invalid JSON at byte 812 (file ends early: truncated?): Missing a comma ...".
template<typename Walker>
Result<StreamStats> walk_json(std::FILE* file, const std::string& source_name, Walker& walker,
                              std::string_view expected);

// The non-template half of walk_json: turns a parse result into an error message.
Error parse_failure(const std::string& source_name, std::string_view expected,
                    rapidjson::ParseErrorCode code, std::size_t offset, std::size_t total_bytes,
                    const std::string& walker_error, std::size_t walker_offset);

template<typename Walker>
Result<StreamStats> walk_json(std::FILE* file, const std::string& source_name, Walker& walker,
                              std::string_view expected)
{
  HashingFileStream stream(file);
  walker.set_stream(&stream);
  rapidjson::Reader reader;
  rapidjson::ParseResult parsed = reader.Parse<rapidjson::kParseDefaultFlags>(stream, walker);
  if (stream.read_error()) {
    return make_error(source_name + ": read error after " + std::to_string(stream.bytes_read()) + " bytes");
  }
  if (parsed.IsError()) {
    std::size_t total = stream.bytes_read();
    return parse_failure(source_name, expected, parsed.Code(), parsed.Offset(), total, walker.error(),
                         walker.error_offset());
  }
  StreamStats stats;
  stats.sha256 = stream.finish_sha256();
  stats.bytes = stream.bytes_read();
  return stats;
}

} // namespace relgate::scan
