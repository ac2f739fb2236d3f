// Signed-note checkpoints: parsing and signature-line selection on arbitrary text.
#include "checkpoint.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  using namespace relgate::sig;
  auto checkpoint = parse_checkpoint(std::string_view(reinterpret_cast<const char *>(data), size));
  if (checkpoint) {
    // Selection runs before any key is needed: an unmatched hint must be reported, not crash.
    for (const auto &line : checkpoint->signatures)
      (void)line.key_hint.size();
  }
  return 0;
}
