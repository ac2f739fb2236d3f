// The report parser's string scan 32 bytes at a time, for CPUs with AVX2 (checked at run time: the
// portable binary assumes only SSE2). Long texts (descriptions, references) are most of a report.
#pragma once

namespace relgate::scan
{

#if defined(__x86_64__)
// Whether the parser uses it: set from the CPU at start-up (tests turn it off to check the SSE2 path).
extern bool cpu_has_avx2;
// The first '"', '\\' or control character in [p, end), or end; never reads at or past end.
const char *find_string_special_avx2(const char *p, const char *end);
#endif

} // namespace relgate::scan
