// The report parser: a strict JSON SAX parser with RapidJSON's handler interface and grammar
// (json_reader_flags), but built for the shape of scanner reports, where most bytes are text the
// gate skips: a string without escapes reaches the handler as a view into the input, not a copy,
// and whitespace and string bodies are scanned 16 bytes at a time. It never reads past `end`.
// RapidJSON stays the reference: on a syntax error the caller re-parses with it for its exact
// message, and fuzz_scan_json_parser checks that both accept the same documents with the same events.
#pragma once

#include "json_string_scan.hpp"

#include <rapidjson/error/error.h>
#include <rapidjson/rapidjson.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace relgate::scan
{

// Where the parser is, for handlers that report byte offsets and release consumed input. At each
// event it points where RapidJSON's iterative parser does (error messages name the same byte): at
// the bracket for the start and end of objects and arrays, at the first byte of a string, key or
// number, after the last byte of null, true and false.
struct JsonCursor {
  const char *begin = nullptr;
  const char *current = nullptr;
  std::size_t tell() const { return static_cast<std::size_t>(current - begin); }
};

struct JsonParseStatus {
  rapidjson::ParseErrorCode code = rapidjson::kParseErrorNone;
  std::size_t offset = 0;
  bool ok() const { return code == rapidjson::kParseErrorNone; }
};

template <typename Handler> class JsonSaxParser
{
public:
  // Parses [begin, end): the text ends at `end` or at the first NUL byte before it, like
  // RapidJSON's StringStream (the caller checks that nothing follows a NUL). *end must be a
  // readable NUL: literals and single spaces are checked a byte ahead without a bounds test.
  JsonSaxParser(const char *begin, const char *end) : m_end(end) { m_cursor.begin = m_cursor.current = begin; }

  const JsonCursor &cursor() const { return m_cursor; }

  JsonParseStatus parse(Handler &handler)
  {
    const char *p = skip_whitespace(m_cursor.begin);
    if (peek(p) == '\0')
      return fail(rapidjson::kParseErrorDocumentEmpty, p);
    for (;;) {
      // A value.
      const char c = peek(p);
      if (c == '{' || c == '[') {
        const bool is_object = c == '{';
        if (!start_container(p, handler, is_object))
          return m_status;
        p = skip_whitespace(p + 1);
        if (peek(p) != (is_object ? '}' : ']')) {
          m_open.push_back(c);
          if (is_object && !parse_key(p, handler))
            return m_status;
          continue;
        }
        if (!end_container(p, handler, is_object))
          return m_status;
        ++p;
      } else if (!parse_scalar(p, handler)) {
        return m_status;
      }
      // After a value: a separator, the end of containers, or the end of the document.
      for (;;) {
        p = skip_whitespace(p);
        if (m_open.empty()) {
          if (peek(p) != '\0')
            return fail(rapidjson::kParseErrorDocumentRootNotSingular, p);
          m_cursor.current = p;
          return m_status;
        }
        const bool in_object = m_open.back() == '{';
        const char next = peek(p);
        if (next == ',') {
          p = skip_whitespace(p + 1);
          if (in_object && !parse_key(p, handler))
            return m_status;
          break;
        }
        if (next != (in_object ? '}' : ']')) {
          return fail(in_object ? rapidjson::kParseErrorObjectMissCommaOrCurlyBracket
                                : rapidjson::kParseErrorArrayMissCommaOrSquareBracket,
                      p);
        }
        if (!end_container(p, handler, in_object))
          return m_status;
        m_open.pop_back();
        ++p;
      }
    }
  }

private:
  char peek(const char *p) const { return p < m_end ? *p : '\0'; }

  JsonParseStatus fail(rapidjson::ParseErrorCode code, const char *at)
  {
    m_status.code = code;
    m_status.offset = static_cast<std::size_t>(at - m_cursor.begin);
    return m_status;
  }

  // At the bracket, as RapidJSON's iterative parser calls the handler.
  bool start_container(const char *p, Handler &handler, bool is_object)
  {
    m_cursor.current = p;
    if (is_object ? handler.StartObject() : handler.StartArray())
      return true;
    fail(rapidjson::kParseErrorTermination, p);
    return false;
  }
  bool end_container(const char *p, Handler &handler, bool is_object)
  {
    m_cursor.current = p;
    if (is_object ? handler.EndObject(0) : handler.EndArray(0))
      return true;
    fail(rapidjson::kParseErrorTermination, p);
    return false;
  }

  bool parse_scalar(const char *&p, Handler &handler)
  {
    switch (peek(p)) {
    case '"':
      return parse_string(p, handler, false);
    case 'n':
      return parse_literal(p, handler, "null");
    case 't':
      return parse_literal(p, handler, "true");
    case 'f':
      return parse_literal(p, handler, "false");
    default:
      return parse_number(p, handler);
    }
  }

  // null, true or false. Reads p[i] only after p[i - 1] matched a letter, so never past the NUL
  // at the end of the text.
  bool parse_literal(const char *&p, Handler &handler, std::string_view word)
  {
    for (std::size_t i = 1; i < word.size(); ++i) {
      if (p[i] != word[i]) {
        fail(rapidjson::kParseErrorValueInvalid, p);
        return false;
      }
    }
    p += word.size();
    m_cursor.current = p;
    if (word[0] == 'n' ? handler.Null() : handler.Bool(word[0] == 't'))
      return true;
    fail(rapidjson::kParseErrorTermination, p);
    return false;
  }

  // One comparison and a bit test instead of four comparisons.
  static bool is_whitespace(char c)
  {
    constexpr uint64_t whitespace =
        uint64_t{1} << ' ' | uint64_t{1} << '\n' | uint64_t{1} << '\r' | uint64_t{1} << '\t';
    const auto byte = static_cast<unsigned char>(c);
    return byte <= ' ' && ((whitespace >> byte) & 1) != 0;
  }

  const char *skip_whitespace(const char *p) const
  {
    if (p < m_end && !is_whitespace(*p))
      return p;
    // One space, after ':' in pretty-printed text (*m_end is readable).
    if (p < m_end && *p == ' ' && !is_whitespace(p[1]))
      return p + 1;
#if defined(__SSE2__)
    // Pretty-printed reports indent every line: runs of 10 to 30 spaces.
    const __m128i space = _mm_set1_epi8(' '), newline = _mm_set1_epi8('\n');
    const __m128i tab = _mm_set1_epi8('\t'), cr = _mm_set1_epi8('\r');
    while (m_end - p >= 16) {
      const __m128i s = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
      const __m128i ws = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(s, space), _mm_cmpeq_epi8(s, newline)),
                                      _mm_or_si128(_mm_cmpeq_epi8(s, tab), _mm_cmpeq_epi8(s, cr)));
      const unsigned other = ~static_cast<unsigned>(_mm_movemask_epi8(ws)) & 0xffffu;
      if (other != 0)
        return p + __builtin_ctz(other);
      p += 16;
    }
#endif
    while (p < m_end && is_whitespace(*p))
      ++p;
    return p;
  }

  // The first '"', '\\' or control character at or after p (m_end when none).
  const char *find_string_special(const char *p) const
  {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), control = _mm_set1_epi8(0x1f);
    for (bool first = true; m_end - p >= 16; first = false) {
#if defined(__x86_64__)
      // Past the first 16 bytes the text is long: 32 at a time where the CPU can.
      if (!first && cpu_has_avx2)
        return find_string_special_avx2(p, m_end);
#endif
      const __m128i s = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
      const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(s, quote), _mm_cmpeq_epi8(s, backslash)),
                                       _mm_cmpeq_epi8(_mm_max_epu8(s, control), control)); // s <= 0x1f
      const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
      if (mask != 0)
        return p + __builtin_ctz(mask);
      p += 16;
    }
#endif
    return find_string_special_bytewise(p, m_end);
  }

  bool parse_key(const char *&p, Handler &handler)
  {
    if (peek(p) != '"') {
      fail(rapidjson::kParseErrorObjectMissName, p);
      return false;
    }
    if (!parse_string(p, handler, true))
      return false;
    p = skip_whitespace(p);
    if (peek(p) != ':') {
      fail(rapidjson::kParseErrorObjectMissColon, p);
      return false;
    }
    p = skip_whitespace(p + 1);
    return true;
  }

  bool deliver_string(Handler &handler, const char *text, std::size_t length, bool is_key, const char *quote,
                      const char *after)
  {
    m_cursor.current = quote;
    const auto n = static_cast<rapidjson::SizeType>(length);
    if (is_key ? handler.Key(text, n, false) : handler.String(text, n, false))
      return true;
    fail(rapidjson::kParseErrorTermination, after);
    return false;
  }

  // p is at the opening quote; on success it is after the closing one.
  bool parse_string(const char *&p, Handler &handler, bool is_key)
  {
    const char *start = p + 1;
    const char *q = find_string_special(start);
    if (q < m_end && *q == '"') {
      const char *quote = p;
      p = q + 1;
      return deliver_string(handler, start, static_cast<std::size_t>(q - start), is_key, quote, p);
    }
    // Escapes: decode into the scratch buffer.
    m_scratch.assign(start, q);
    for (;;) {
      if (q >= m_end || *q == '\0') {
        fail(rapidjson::kParseErrorStringMissQuotationMark, q);
        return false;
      }
      if (*q == '"')
        break;
      if (*q != '\\') {
        fail(rapidjson::kParseErrorStringEscapeInvalid, q); // a control character
        return false;
      }
      if (!decode_escape(q))
        return false;
      const char *run = find_string_special(q);
      m_scratch.append(q, run);
      q = run;
    }
    // Lengths fit the handler's 32 bits: reports are capped at 2 GiB (max_report_bytes).
    const char *quote = p;
    p = q + 1;
    return deliver_string(handler, m_scratch.data(), m_scratch.size(), is_key, quote, p);
  }

  // q is at a backslash; appends what it means and moves q past it.
  bool decode_escape(const char *&q)
  {
    const char *escape = q;
    switch (peek(q + 1)) {
    case '"':
    case '\\':
    case '/':
      m_scratch += q[1];
      q += 2;
      return true;
    case 'b':
      return append_escaped('\b', q);
    case 'f':
      return append_escaped('\f', q);
    case 'n':
      return append_escaped('\n', q);
    case 'r':
      return append_escaped('\r', q);
    case 't':
      return append_escaped('\t', q);
    case 'u':
      break;
    default:
      fail(rapidjson::kParseErrorStringEscapeInvalid, escape);
      return false;
    }
    q += 2;
    unsigned codepoint = 0;
    if (!hex4(q, escape, codepoint))
      return false;
    if (codepoint >= 0xD800 && codepoint <= 0xDBFF) {
      unsigned low = 0;
      if (!(peek(q) == '\\' && peek(q + 1) == 'u')) {
        fail(rapidjson::kParseErrorStringUnicodeSurrogateInvalid, escape);
        return false;
      }
      q += 2;
      if (!hex4(q, escape, low))
        return false;
      if (low < 0xDC00 || low > 0xDFFF) {
        fail(rapidjson::kParseErrorStringUnicodeSurrogateInvalid, escape);
        return false;
      }
      codepoint = (((codepoint - 0xD800) << 10) | (low - 0xDC00)) + 0x10000;
    }
    append_utf8(codepoint);
    return true;
  }

  bool append_escaped(char decoded, const char *&q)
  {
    m_scratch += decoded;
    q += 2;
    return true;
  }

  bool hex4(const char *&q, const char *escape, unsigned &value)
  {
    for (int i = 0; i < 4; ++i, ++q) {
      const char c = peek(q);
      unsigned digit = 0;
      if (c >= '0' && c <= '9')
        digit = static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        digit = static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        digit = static_cast<unsigned>(c - 'A' + 10);
      else {
        fail(rapidjson::kParseErrorStringUnicodeEscapeInvalidHex, escape);
        return false;
      }
      value = value * 16 + digit;
    }
    return true;
  }

  // RapidJSON writes any code point it decodes, a lone low surrogate included; so does this.
  void append_utf8(unsigned c)
  {
    if (c <= 0x7F) {
      m_scratch += static_cast<char>(c);
    } else if (c <= 0x7FF) {
      m_scratch += static_cast<char>(0xC0 | (c >> 6));
      m_scratch += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c <= 0xFFFF) {
      m_scratch += static_cast<char>(0xE0 | (c >> 12));
      m_scratch += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      m_scratch += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      m_scratch += static_cast<char>(0xF0 | (c >> 18));
      m_scratch += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      m_scratch += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      m_scratch += static_cast<char>(0x80 | (c & 0x3F));
    }
  }

  static bool is_digit(char c)
  {
    return c >= '0' && c <= '9';
  }

  // One digit or more (a fraction, an exponent), else `missing` at q.
  bool skip_digits(const char *&q, rapidjson::ParseErrorCode missing)
  {
    if (!is_digit(peek(q))) {
      fail(missing, q);
      return false;
    }
    while (is_digit(peek(q)))
      ++q;
    return true;
  }

  // The grammar only; the handler converts the text (convert_json_number), as with RapidJSON's
  // kParseNumbersAsStringsFlag. One difference: RapidJSON refuses some finite numbers outright
  // (0e400, past its exponent limit) where this passes them on to be converted.
  bool parse_number(const char *&p, Handler &handler)
  {
    const char *start = p;
    const char *q = p;
    if (peek(q) == '-')
      ++q;
    if (peek(q) == '0') {
      ++q;
    } else if (is_digit(peek(q))) {
      while (is_digit(peek(q)))
        ++q;
    } else {
      fail(rapidjson::kParseErrorValueInvalid, start);
      return false;
    }
    if (peek(q) == '.' && !skip_digits(++q, rapidjson::kParseErrorNumberMissFraction))
      return false;
    if (peek(q) == 'e' || peek(q) == 'E') {
      ++q;
      if (peek(q) == '+' || peek(q) == '-')
        ++q;
      if (!skip_digits(q, rapidjson::kParseErrorNumberMissExponent))
        return false;
    }
    p = q;
    m_cursor.current = start;
    if (handler.RawNumber(start, static_cast<rapidjson::SizeType>(q - start), false))
      return true;
    fail(rapidjson::kParseErrorTermination, q);
    return false;
  }

  JsonCursor m_cursor;
  const char *m_end;
  std::vector<char> m_open; // '{' or '[' per open container; the handler bounds the depth
  std::string m_scratch;    // a string with escapes, decoded
  JsonParseStatus m_status;
};

} // namespace relgate::scan
