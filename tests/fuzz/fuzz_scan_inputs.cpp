// scan-gate side inputs on arbitrary bytes: VEX documents (OpenVEX, CycloneDX), the KEV
// catalogue, EPSS CSV and the scan policy (TOML).
#include "epss.hpp"
#include "kev.hpp"
#include "scan_policy.hpp"
#include "vex.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  std::string text(reinterpret_cast<const char *>(data), size);
  relgate::scan::VexSet vex;
  if (vex.add_document(text, "fuzz.vex.json")) {
    relgate::scan::Finding finding;
    finding.id = "CVE-2024-0001";
    finding.package = "a";
    finding.purl = "pkg:npm/a@1.0.0";
    (void)vex.match(finding);
  }
  (void)relgate::scan::parse_kev(text, "fuzz.kev.json");
  (void)relgate::scan::load_scan_policy_text(text, "fuzz.toml");
  if (!text.empty()) {
    std::FILE *file = fmemopen(text.data(), text.size(), "r");
    if (file) {
      (void)relgate::scan::read_epss(file, "fuzz.csv", nullptr);
      std::fclose(file);
    }
  }
  return 0;
}
