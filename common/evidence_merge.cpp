// Merging copies written by parallel CI jobs into one chain.
#include "evidence.hpp"

#include "file_io.hpp"
#include "file_lock.hpp"
#include "time_util.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace relgate
{
namespace
{

struct MergeCandidate {
  TimePoint started;
  std::size_t input;
  const EvidenceRecord *record;
};

// Links every record to the one before it. A signature covers prev, so a signed record whose
// place changed is checked against the key that made it, then signed again with the merging key:
// merge never turns an unverified record into a signed one.
Result<void> rebuild_chain(EvidenceFile &merged, const MergeKeys &keys)
{
  std::map<std::string, std::string> pem_by_id;
  for (std::size_t k = 0; k < keys.trusted_key_pems.size(); ++k) {
    RELGATE_ASSIGN_OR_RETURN(std::string id,
                             public_key_id(keys.trusted_key_pems[k], "trusted key " + std::to_string(k + 1)));
    pem_by_id[id] = keys.trusted_key_pems[k];
  }
  if (!keys.signing_key_pem.empty()) {
    RELGATE_ASSIGN_OR_RETURN(std::string public_pem, public_key_of(keys.signing_key_pem, keys.signing_key_source));
    RELGATE_ASSIGN_OR_RETURN(std::string id, public_key_id(public_pem, keys.signing_key_source));
    pem_by_id[id] = public_pem;
  }
  // Trusted keys given: every record must carry a signature one of them verifies, so a forged or
  // unsigned record from another job's artifact is refused here, not later by promote.
  const bool signed_only = !keys.trusted_key_pems.empty();
  std::string prev = genesis_prev(merged);
  for (std::size_t i = 0; i < merged.records.size(); ++i) {
    EvidenceRecord &record = merged.records[i];
    if (signed_only && !record.signature) {
      return make_error("record " + std::to_string(i) + " (" + record.step +
                        ") is unsigned, and --key asks for signed records only: run that step with "
                        "RELGATE_EVIDENCE_KEY set, or merge without --key");
    }
    if (signed_only && record.prev == prev) {
      auto key = pem_by_id.find(record.signature->key_id);
      if (key == pem_by_id.end()) {
        return make_error("record " + std::to_string(i) + " (" + record.step + ") is signed by " +
                          record.signature->key_id + ", which is not one of the trusted keys (--key)");
      }
      if (auto verified = verify_record_signature(record, key->second); !verified) {
        return make_error("record " + std::to_string(i) + " (" + record.step +
                          "): signature does not verify: " + verified.message());
      }
    }
    if (record.signature && record.prev != prev) {
      const std::string which =
          "record " + std::to_string(i) + " (" + record.step + ", signed by " + record.signature->key_id + ")";
      if (keys.signing_key_pem.empty()) {
        return make_error(which + " moves to a new place in the merged chain, and its signature covers its place: set "
                                  "RELGATE_EVIDENCE_KEY (or --signing-key) so merge can verify and re-sign it");
      }
      auto key = pem_by_id.find(record.signature->key_id);
      if (key == pem_by_id.end()) {
        return make_error(which + ": signed by a key merge cannot check (pass its public key with --key)");
      }
      if (auto verified = verify_record_signature(record, key->second); !verified) {
        return make_error(which + ": signature does not verify: " + verified.message() +
                          " (refusing to re-sign a forged or edited record)");
      }
      record.prev = prev;
      RELGATE_ASSIGN_OR_RETURN(RecordSignature signature,
                               sign_record(record, keys.signing_key_pem, keys.signing_key_source));
      record.signature = std::move(signature);
    }
    record.prev = prev;
    record.hash = record_hash(record);
    prev = record.hash;
  }
  return ok_result();
}

} // namespace

Result<EvidenceFile> merge_evidence(const std::vector<EvidenceFile> &inputs, const MergeKeys &keys)
{
  if (inputs.empty())
    return make_error("evidence merge: no input files (name at least one)");
  const EvidenceFile &first = inputs.front();
  EvidenceFile merged;
  merged.subject = first.subject;
  merged.release_id = first.release_id;
  merged.created_at = first.created_at;
  merged.source_commit_time = first.source_commit_time;

  std::vector<MergeCandidate> candidates;
  for (std::size_t n = 0; n < inputs.size(); ++n) {
    const EvidenceFile &input = inputs[n];
    const std::string which = "input " + std::to_string(n + 1);
    if (!(input.subject == first.subject)) {
      return make_error(which + ": subject " + input.subject.str() + " differs from " + first.subject.str() +
                        " (only copies of the same release candidate can be merged)");
    }
    if (!input.release_id.empty()) {
      if (merged.release_id.empty()) {
        merged.release_id = input.release_id;
      } else if (input.release_id != merged.release_id) {
        return make_error(which + ": release id \"" + input.release_id + "\" differs from \"" + merged.release_id +
                          "\" (only copies of the same release can be merged)");
      }
    }
    if (input.source_commit_time != merged.source_commit_time) {
      return make_error(which + ": source commit time \"" + input.source_commit_time + "\" differs from \"" +
                        merged.source_commit_time + "\" (only copies of the same release can be merged)");
    }
    if (!input.created_at.empty() && (merged.created_at.empty() || input.created_at < merged.created_at)) {
      merged.created_at = input.created_at;
    }
    ChainReport report = verify_chain(input);
    if (!report.intact) {
      return make_error(which + ": chain is broken at " + report.problem +
                        " (merging would launder the damage; run `evidence verify` on it)");
    }
    for (const auto &record : input.records) {
      auto started = parse_rfc3339(record.started_at);
      if (!started)
        return make_error(which + ": started_at \"" + record.started_at + "\": " + started.message());
      candidates.push_back({*started, n, &record});
    }
  }

  // Start-time order; equal times keep input order, so a single input comes out unchanged.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const MergeCandidate &a, const MergeCandidate &b) { return a.started < b.started; });

  // A duplicate is the same record content copied into several files (the base every job
  // started from). Copies count as a multiset: a record that appears k times in one input
  // (appended twice, legitimately) appears k times in the output; a signed copy wins.
  std::vector<std::string> kept_ids;
  std::map<std::string, std::size_t> emitted;
  std::map<std::pair<std::size_t, std::string>, std::size_t> seen_in_input;
  for (const auto &candidate : candidates) {
    std::string id = record_id(*candidate.record);
    const std::size_t occurrence = ++seen_in_input[{candidate.input, id}];
    std::size_t &emitted_count = emitted[id];
    if (occurrence <= emitted_count) {
      if (candidate.record->signature) {
        for (std::size_t k = 0; k < kept_ids.size(); ++k) {
          if (kept_ids[k] == id && !merged.records[k].signature) {
            // Its prev goes with the signature: the chain rebuild below re-signs if it moved.
            merged.records[k].signature = candidate.record->signature;
            merged.records[k].prev = candidate.record->prev;
            break;
          }
        }
      }
      continue;
    }
    ++emitted_count;
    kept_ids.push_back(std::move(id));
    merged.records.push_back(copy_record(*candidate.record));
  }
  RELGATE_TRY(rebuild_chain(merged, keys));
  return merged;
}

Result<MergeSummary> merge_evidence_files(const std::string &output_path, const std::vector<std::string> &input_paths,
                                          const MergeKeys &keys)
{
  if (input_paths.empty()) {
    return make_error("evidence merge: no input files (usage: evidence merge --evidence OUT IN...)");
  }
  // The same lock appenders take (evidence_append.cpp), so no append to OUT is lost.
  RELGATE_ASSIGN_OR_RETURN(FileLock lock, FileLock::acquire(output_path + ".lock"));
  std::vector<std::string> paths;
  if (file_exists(output_path))
    paths.push_back(output_path);
  paths.insert(paths.end(), input_paths.begin(), input_paths.end());

  std::vector<EvidenceFile> files;
  MergeSummary summary;
  for (const auto &path : paths) {
    RELGATE_ASSIGN_OR_RETURN(EvidenceFile file, load_evidence(path));
    summary.input_records += file.records.size();
    files.push_back(std::move(file));
  }
  auto merged = merge_evidence(files, keys);
  if (!merged) {
    // merge_evidence names inputs by position; name the file instead.
    const std::string &message = merged.message();
    for (std::size_t n = 0; n < paths.size(); ++n) {
      const std::string label = "input " + std::to_string(n + 1) + ": ";
      if (message.compare(0, label.size(), label) == 0)
        return make_error(paths[n] + ": " + message.substr(label.size()));
    }
    return merged.error();
  }
  summary.merged_records = merged->records.size();
  for (std::size_t i = 0; i < merged->records.size(); ++i) {
    bool same_signature = false;
    for (const auto &file : files) {
      for (const auto &record : file.records) {
        same_signature = same_signature || (record.signature && merged->records[i].signature &&
                                            record.signature->value == merged->records[i].signature->value);
      }
    }
    if (merged->records[i].signature && !same_signature)
      ++summary.resigned_records;
  }
  const std::string text = serialize_evidence(*merged);
  // Readers refuse a larger file, so writing one would lose the release's evidence.
  if (text.size() > max_evidence_bytes) {
    return make_error(output_path + ": the merged evidence would be larger than " +
                      std::to_string(max_evidence_bytes >> 20) + " MiB, which readers refuse (merge fewer files)");
  }
  RELGATE_TRY(write_file_atomic(output_path, text));
  return summary;
}

} // namespace relgate
