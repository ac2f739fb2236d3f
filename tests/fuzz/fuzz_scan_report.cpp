// scan-gate report readers (format detection, Trivy, Grype, SARIF, CycloneDX) on arbitrary bytes:
// any input either parses or returns an error, never crashes.
#include "finding_set.hpp"
#include "report_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  relgate::scan::FindingSet set;
  auto sink = [&](const relgate::scan::Finding &finding) { set.add(finding, 0); };
  (void)relgate::scan::read_report_bytes(bytes, "fuzz.json", std::nullopt, sink);
  // The first byte also forces each reader on the rest, past detection.
  if (size > 0) {
    auto format = static_cast<relgate::scan::ReportFormat>(data[0] % 4);
    (void)relgate::scan::read_report_bytes(bytes.substr(1), "fuzz.json", format, sink);
  }
  return 0;
}
