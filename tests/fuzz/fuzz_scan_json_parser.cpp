// scan-gate's report parser (json_sax_parser.hpp) against RapidJSON on arbitrary bytes: the same
// documents accepted, the same events at the same offsets, refused at the same point. A
// difference aborts with what differed.
#include "../unit/scan-gate/json_parser_differential.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const std::string text(reinterpret_cast<const char *>(data), size); // c_str(): the NUL after the end
  const auto result = relgate::scan::testing::compare_with_rapidjson(text);
  if (!result.same) {
    std::fprintf(stderr, "report parser and RapidJSON differ: %s\n", result.difference.c_str());
    std::abort();
  }
  return 0;
}
