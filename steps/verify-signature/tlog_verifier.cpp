#include "tlog_verifier.hpp"

#include "checkpoint.hpp"
#include "encoding.hpp"
#include "merkle_proof.hpp"
#include "rekor_set.hpp"

namespace relgate::sig
{

namespace
{

Result<void> verify_proof(const TlogEntry &entry, const InclusionProof &proof, const TransparencyLogKey &log)
{
  std::string leaf = merkle_leaf_hash(entry.canonicalized_body);
  RELGATE_TRY(verify_inclusion(proof.log_index, proof.tree_size, leaf, proof.hashes, proof.root_hash));
  if (proof.checkpoint.empty())
    return make_error("inclusion proof has no checkpoint to anchor its root hash");
  RELGATE_ASSIGN_OR_RETURN(Checkpoint checkpoint, parse_checkpoint(proof.checkpoint));
  if (checkpoint.tree_size != proof.tree_size) {
    return make_error("checkpoint tree size " + std::to_string(checkpoint.tree_size) +
                      " differs from the inclusion proof's " + std::to_string(proof.tree_size));
  }
  if (checkpoint.root_hash != proof.root_hash) {
    return make_error("inclusion proof root hash " + hex_encode(proof.root_hash) + " differs from checkpoint " +
                      hex_encode(checkpoint.root_hash));
  }
  RELGATE_ASSIGN_OR_RETURN(const PublicKey *key, log.public_key());
  return verify_checkpoint_signature(checkpoint, *key, log.log_id);
}

} // namespace

Result<TlogEntryReport> verify_tlog_entry(const TlogEntry &entry, int bundle_minor_version, const TrustedRoot &root,
                                          const ExpectedBody &expected)
{
  std::string where = "log index " + std::to_string(entry.log_index) + ": ";
  const TransparencyLogKey *log = root.find_tlog(entry.log_id);
  if (log == nullptr) {
    return make_error(where + "log id " + base64_encode(entry.log_id) + " is not a transparency log in " + root.source +
                      " (bundle from another Sigstore instance?)");
  }
  TlogEntryReport report;
  report.log_url = log->base_url;
  report.log_valid_for = log->valid_for;
  auto body = check_tlog_body(entry, expected);
  if (!body)
    return make_error(where + body.message());
  report.checks.push_back("log-body");

  bool has_promise = entry.signed_entry_timestamp.has_value();
  bool has_proof = entry.inclusion_proof.has_value();
  if (bundle_minor_version == 1 && !has_promise) {
    return make_error(where + "v0.1 bundles need an inclusion promise (signed entry timestamp)");
  }
  if (bundle_minor_version >= 2 && !has_proof) {
    return make_error(where + "inclusion proof missing (required in bundles v0.2 and later)");
  }
  if (!has_promise && !has_proof)
    return make_error(where + "neither an inclusion promise nor an inclusion proof");

  if (has_promise) {
    if (!entry.integrated_time)
      return make_error(where + "inclusion promise without integratedTime");
    std::time_t integrated = static_cast<std::time_t>(*entry.integrated_time);
    if (!log->valid_for.contains(integrated)) {
      return make_error(where + "integrated time " + format_epoch(integrated) + " is outside the log key validity " +
                        log->valid_for.describe());
    }
    auto key = log->public_key();
    if (!key)
      return make_error(where + key.message());
    auto set =
        verify_signed_entry_timestamp(**key, *entry.signed_entry_timestamp, base64_encode(entry.canonicalized_body),
                                      *entry.integrated_time, entry.log_id, entry.log_index);
    if (!set)
      return make_error(where + set.message());
    report.verified_time = integrated;
    report.checks.push_back("signed-entry-timestamp");
  }
  if (has_proof) {
    auto proof = verify_proof(entry, *entry.inclusion_proof, *log);
    if (!proof)
      return make_error(where + proof.message());
    report.checks.push_back("inclusion-proof");
    report.checks.push_back("checkpoint");
  }
  return report;
}

} // namespace relgate::sig
