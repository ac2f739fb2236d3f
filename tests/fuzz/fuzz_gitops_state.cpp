// The files relgate reads back from a GitOps repository (anyone with push access can edit them):
// state, known-good index, releases index. Parsing must never crash; what parses must round-trip.
#include "env_state.hpp"
#include "release_index.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const std::string text(reinterpret_cast<const char *>(data), size);
  using namespace relgate::gitops;
  if (auto state = parse_state(text, "state.json")) {
    auto again = parse_state(serialize_state(*state), "state.json");
    if (!again || !(again->stable == state->stable) || !(again->canary == state->canary) ||
        again->canary_weight != state->canary_weight || again->ledger_seq != state->ledger_seq) {
      std::abort();
    }
  }
  if (auto index = parse_known_good(text, "known-good.json")) {
    auto again = parse_known_good(serialize_known_good(*index), "known-good.json");
    if (!again || again->releases.size() != index->releases.size())
      std::abort();
  }
  if (auto releases = parse_releases_index(text, "releases.json")) {
    auto again = parse_releases_index(serialize_releases_index(*releases), "releases.json");
    if (!again || again->rejected.size() != releases->rejected.size())
      std::abort();
  }
  return 0;
}
