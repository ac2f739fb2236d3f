// Finding where a JSON string's plain run ends ('"', '\\' or a control character) for the report
// parser: byte by byte for short tails, and 32 bytes at a time on CPUs with AVX2 (checked at run
// time: the portable binary assumes only SSE2). Long texts (descriptions, references) are most of
// a report.
#pragma once

namespace relgate::scan
{

// The first '"', '\\' or control character in [p, end), or end; never reads at or past end.
inline const char *find_string_special_bytewise(const char *p, const char *end)
{
  while (p < end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20)
    ++p;
  return p;
}

#if defined(__x86_64__)
// Whether the parser uses AVX2: set from the CPU at start-up (tests turn it off to check the SSE2 path).
extern bool cpu_has_avx2;
// find_string_special_bytewise, 32 bytes at a time.
const char *find_string_special_avx2(const char *p, const char *end);
#endif

} // namespace relgate::scan
