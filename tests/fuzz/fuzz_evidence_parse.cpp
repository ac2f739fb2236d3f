// Fuzzes the evidence file reader (relgate.evidence/v2) and checks the round-trip property the
// chain relies on: whatever we accept, we write back in a form that reads back to the same bytes,
// verdict, record ids and head.
#include "evidence.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const std::string_view text(reinterpret_cast<const char *>(data), size);
  auto parsed = relgate::parse_evidence(text, "fuzz.json");
  if (!parsed)
    return 0;
  const relgate::ChainReport report = relgate::verify_chain(*parsed);
  if (!report.intact && !report.first_bad_index)
    std::abort(); // a broken chain always names a record

  const std::string written = relgate::serialize_evidence(*parsed);
  auto reread = relgate::parse_evidence(written, "fuzz-roundtrip.json");
  if (!reread)
    std::abort();
  if (relgate::serialize_evidence(*reread) != written)
    std::abort();
  const relgate::ChainReport again = relgate::verify_chain(*reread);
  if (again.intact != report.intact || again.first_bad_index != report.first_bad_index)
    std::abort();

  // record_id is what anchors name: it must survive a round trip, and the head is always anchored.
  for (std::size_t i = 0; i < parsed->records.size(); ++i) {
    const auto &record = parsed->records[i];
    (void)relgate::find_latest_record(*parsed, record.step, record.scope.env, record.scope.stage);
    if (relgate::record_id(record) != relgate::record_id(reread->records[i]))
      std::abort();
    (void)relgate::is_reserved_step_name(record.step);
  }
  const std::string head = relgate::evidence_head(*parsed);
  if (head != relgate::evidence_head(*reread) || head.empty() != parsed->records.empty())
    std::abort();
  if (!head.empty() && !relgate::require_evidence_anchors(*parsed, {head}))
    std::abort();
  if (report.intact && parsed->records.size() < 64) {
    std::vector<relgate::EvidenceFile> inputs;
    inputs.push_back(std::move(*parsed));
    inputs.push_back(std::move(*reread));
    auto merged = relgate::merge_evidence(inputs);
    // Merging an intact file with itself drops every duplicate and keeps a valid chain.
    if (merged && !relgate::verify_chain(*merged).intact)
      std::abort();
  }
  return 0;
}
