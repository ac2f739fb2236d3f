// Ledger lines and commit trailers: parsed from files and commit messages anyone can write.
#include "commit_trailers.hpp"
#include "ledger.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const std::string text(reinterpret_cast<const char *>(data), size);
  using namespace relgate::gitops;
  if (auto entry = parse_ledger_line(text, "ledger.jsonl:1")) {
    auto line = ledger_line(*entry);
    if (line.find('\n') != line.size() - 1)
      std::abort(); // one entry, one line
    auto again = parse_ledger_line(line, "ledger.jsonl:1");
    if (!again || again->seq != entry->seq || again->reason != entry->reason || again->digest != entry->digest) {
      std::abort();
    }
  }
  // A whole ledger: whatever it accepts keeps seq >= 1 and strictly increasing.
  if (auto entries = parse_ledger(text, "ledger.jsonl")) {
    for (std::size_t i = 0; i < entries->size(); ++i) {
      if ((*entries)[i].seq < 1 || (i > 0 && (*entries)[i].seq <= (*entries)[i - 1].seq))
        std::abort();
    }
  }
  (void)parse_trailers(text);
  // Whatever the title and values, the trailers written are read back.
  CommitTrailers trailers{text.substr(0, 40), "prod", "sha256:x", "none", "promote", "", "", ""};
  auto parsed = parse_trailers(commit_message(text, {std::string(text)}, trailers));
  if (parsed.count("Relgate-Action") == 0 || parsed.at("Relgate-Action") != "promote")
    std::abort();
  return 0;
}
