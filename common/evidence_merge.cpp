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

} // namespace

Result<EvidenceFile> merge_evidence(const std::vector<EvidenceFile> &inputs)
{
  if (inputs.empty())
    return make_error("evidence merge: no input files (name at least one)");
  const EvidenceFile &first = inputs.front();
  EvidenceFile merged;
  merged.subject = first.subject;
  merged.release_id = first.release_id;
  merged.created_at = first.created_at;

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
    if (!input.created_at.empty() && (merged.created_at.empty() || input.created_at < merged.created_at)) {
      merged.created_at = input.created_at;
    }
    ChainReport report = verify_chain(input, {});
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

  // A duplicate is the same signed content copied into several files (the base every job
  // started from). Copies count as a multiset: a record that appears k times in one input
  // (appended twice, legitimately) appears k times in the output; a signed copy wins.
  std::vector<std::string> kept_bytes;
  std::map<std::string, std::size_t> emitted;
  std::map<std::pair<std::size_t, std::string>, std::size_t> seen_in_input;
  for (const auto &candidate : candidates) {
    std::string bytes = record_signed_bytes(*candidate.record);
    const std::size_t occurrence = ++seen_in_input[{candidate.input, bytes}];
    std::size_t &emitted_count = emitted[bytes];
    if (occurrence <= emitted_count) {
      if (candidate.record->signature) {
        for (std::size_t k = 0; k < kept_bytes.size(); ++k) {
          if (kept_bytes[k] == bytes && !merged.records[k].signature) {
            merged.records[k].signature = candidate.record->signature;
            break;
          }
        }
      }
      continue;
    }
    ++emitted_count;
    kept_bytes.push_back(std::move(bytes));
    merged.records.push_back(copy_record(*candidate.record));
  }

  std::string prev = genesis_prev(merged);
  for (auto &record : merged.records) {
    record.prev = prev;
    record.hash = record_hash(record);
    prev = record.hash;
  }
  return merged;
}

Result<MergeSummary> merge_evidence_files(const std::string &output_path, const std::vector<std::string> &input_paths)
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
  auto merged = merge_evidence(files);
  if (!merged) {
    // merge_evidence names inputs by position; name the file instead.
    std::string message = merged.message();
    for (std::size_t n = 0; n < paths.size(); ++n) {
      const std::string label = "input " + std::to_string(n + 1) + ": ";
      if (message.compare(0, label.size(), label) == 0)
        return make_error(paths[n] + ": " + message.substr(label.size()));
    }
    return merged.error();
  }
  summary.merged_records = merged->records.size();
  RELGATE_TRY(write_file_atomic(output_path, serialize_evidence(*merged)));
  return summary;
}

} // namespace relgate
