#include "json_string_scan.hpp"

#if defined(__x86_64__)
#include <immintrin.h>

namespace relgate::scan
{

namespace
{
bool detect_avx2()
{
  __builtin_cpu_init(); // needed before __builtin_cpu_supports in a static initialiser
  return __builtin_cpu_supports("avx2");
}
} // namespace

bool cpu_has_avx2 = detect_avx2();

__attribute__((target("avx2"))) const char *find_string_special_avx2(const char *p, const char *end)
{
  const __m256i quote = _mm256_set1_epi8('"'), backslash = _mm256_set1_epi8('\\');
  const __m256i control = _mm256_set1_epi8(0x1f);
  while (end - p >= 32) {
    const __m256i s = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p));
    const __m256i hit = _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(s, quote), _mm256_cmpeq_epi8(s, backslash)),
                                        _mm256_cmpeq_epi8(_mm256_max_epu8(s, control), control)); // s <= 0x1f
    const auto mask = static_cast<unsigned>(_mm256_movemask_epi8(hit));
    if (mask != 0)
      return p + __builtin_ctz(mask);
    p += 32;
  }
  return find_string_special_bytewise(p, end);
}

} // namespace relgate::scan

#endif
