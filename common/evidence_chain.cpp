// Chain verification: each record's hash covers its own content, each prev names the record
// before it (record 0: the file header), so an edited, removed, inserted or reordered record
// is reported at its own index. With trusted keys, every signature must verify too; a signature
// covers prev, so a signed record cannot be moved, copied from another file or re-chained.
#include "evidence.hpp"

#include <map>

namespace relgate
{
namespace
{

ChainReport broken_at(ChainReport report, std::size_t index, std::string problem)
{
  report.intact = false;
  report.first_bad_index = index;
  report.problem = "record " + std::to_string(index) + ": " + std::move(problem);
  return report;
}

using KeysById = std::map<std::string, const std::string *>;

ChainReport walk_chain(const EvidenceFile &file, const KeysById &trusted_by_id)
{
  ChainReport report;
  std::string expected_prev = genesis_prev(file);
  for (std::size_t i = 0; i < file.records.size(); ++i) {
    const EvidenceRecord &record = file.records[i];
    const std::string actual_hash = record_hash(record);
    if (record.prev != expected_prev) {
      std::string problem = i == 0 ? "prev does not match the file header (subject or release edited, or records "
                                     "removed from the start)"
                                   : "prev does not match record " + std::to_string(i - 1) +
                                         " (a record was removed, inserted or reordered here)";
      return broken_at(std::move(report), i, std::move(problem));
    }
    if (record.hash != actual_hash) {
      return broken_at(std::move(report), i, "content does not match its hash (the record was edited)");
    }
    if (record.signature)
      ++report.signed_records;
    if (!trusted_by_id.empty()) {
      if (!record.signature) {
        return broken_at(std::move(report), i, "not signed, but trusted keys were given (every record must be signed)");
      }
      auto key = trusted_by_id.find(record.signature->key_id);
      if (key == trusted_by_id.end()) {
        return broken_at(std::move(report), i,
                         "signed by key " + record.signature->key_id + ", which is not one of the trusted keys");
      }
      auto verified = verify_record_signature(record, *key->second);
      if (!verified) {
        return broken_at(std::move(report), i,
                         "signature by " + record.signature->key_id +
                             " does not verify (the record, its place in the chain or the subject was changed "
                             "after signing): " +
                             verified.message());
      }
    }
    expected_prev = actual_hash;
  }
  return report;
}

} // namespace

ChainReport verify_chain(const EvidenceFile &file)
{
  return walk_chain(file, {});
}

Result<ChainReport> verify_chain_with_keys(const EvidenceFile &file, const std::vector<std::string> &trusted_key_pems)
{
  KeysById trusted_by_id;
  for (std::size_t k = 0; k < trusted_key_pems.size(); ++k) {
    RELGATE_ASSIGN_OR_RETURN(std::string id,
                             public_key_id(trusted_key_pems[k], "trusted key " + std::to_string(k + 1)));
    trusted_by_id[id] = &trusted_key_pems[k];
  }
  return walk_chain(file, trusted_by_id);
}

} // namespace relgate
