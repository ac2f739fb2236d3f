#include "text_hash.hpp"

#include <random>

// xxHash (libxxhash-dev) header-only: XXH3 is several times cheaper than std::hash on short texts.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace relgate::scan
{

namespace
{
uint64_t run_seed()
{
  std::random_device random;
  return uint64_t{random()} << 32 | random();
}
} // namespace

uint64_t text_hash(std::string_view text)
{
  static const uint64_t seed = run_seed();
  return XXH3_64bits_withSeed(text.data(), text.size(), seed);
}

} // namespace relgate::scan
