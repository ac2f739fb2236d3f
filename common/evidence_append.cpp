// Creating and appending to the evidence file on disk: under an exclusive lock, re-read,
// check, write a temp file, fsync, rename, fsync the folder. A crash leaves before or after.
#include "evidence.hpp"

#include "file_io.hpp"
#include "file_lock.hpp"
#include "time_util.hpp"

#include <filesystem>
#include <system_error>

namespace relgate
{
namespace
{

std::string lock_path_for(const std::string &path)
{
  return path + ".lock";
}

// Temp files are only written under the lock, so one seen while we hold it belongs to a
// writer that died (SIGKILL) before its rename: remove it. error_code overloads throughout (the
// throwing ones would end in "internal error"); a folder we cannot list or a temp file we cannot
// remove is an error naming it: the write that follows would fail there too.
Result<void> remove_stale_temp_files(const std::string &path)
{
  namespace fs = std::filesystem;
  const fs::path target(path);
  const std::string prefix = target.filename().string() + ".tmp.";
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  for (const fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0)
      continue;
    std::error_code removed;
    if (!fs::remove(it->path(), removed) && removed) {
      return make_error(it->path().string() + ": cannot remove this stale temp file of a crashed writer: " +
                        removed.message() + " (remove it by hand)");
    }
  }
  if (ec)
    return make_error(folder.string() + ": cannot list the evidence file's folder: " + ec.message());
  return ok_result();
}

Result<EvidenceFile> load_checked(const std::string &path)
{
  RELGATE_ASSIGN_OR_RETURN(EvidenceFile file, load_evidence(path));
  ChainReport report = verify_chain(file);
  if (!report.intact) {
    return make_error(path + ": chain is broken at " + report.problem +
                      " (refusing to append to a damaged file; inspect it with `evidence verify --evidence " + path +
                      "`)");
  }
  return file;
}

EvidenceFile new_file(const Subject &subject, const std::string &release_id)
{
  EvidenceFile file;
  file.subject = subject;
  file.release_id = release_id;
  file.created_at = format_rfc3339(current_time());
  return file;
}

Result<void> check_same_subject(const std::string &path, const EvidenceFile &file, const Subject &subject)
{
  if (file.subject == subject)
    return ok_result();
  return make_error(path + ": subject " + subject.str() + " does not match the evidence subject " + file.subject.str() +
                    " (use a separate evidence file per release candidate)");
}

} // namespace

Result<EvidenceFile> init_evidence(const std::string &path, const Subject &subject, const std::string &release_id,
                                   const std::string &source_commit_time)
{
  std::string commit_time;
  if (!source_commit_time.empty()) {
    auto normalized = normalize_source_commit_time(source_commit_time);
    if (!normalized)
      return make_error("source commit time: " + normalized.message());
    commit_time = *normalized;
  }
  RELGATE_ASSIGN_OR_RETURN(FileLock lock, FileLock::acquire(lock_path_for(path)));
  RELGATE_TRY(remove_stale_temp_files(path));
  if (file_exists(path)) {
    RELGATE_ASSIGN_OR_RETURN(EvidenceFile existing, load_evidence(path));
    RELGATE_TRY(check_same_subject(path, existing, subject));
    if (!release_id.empty() && release_id != existing.release_id) {
      return make_error(path + ": already exists for release \"" + existing.release_id + "\", not \"" + release_id +
                        "\" (use a separate evidence file per release)");
    }
    if (!commit_time.empty() && commit_time != existing.source_commit_time) {
      return make_error(path + ": already exists with source commit time \"" + existing.source_commit_time +
                        "\", not \"" + commit_time + "\" (the header is part of the chain and never changes)");
    }
    return existing;
  }
  EvidenceFile file = new_file(subject, release_id);
  file.source_commit_time = commit_time;
  RELGATE_TRY(write_file_atomic(path, serialize_evidence(file)));
  return file;
}

Result<EvidenceRecord> append_record(const std::string &path, EvidenceRecord record, const AppendOptions &options)
{
  // Refuse a record we could not read back: the file must always parse.
  {
    std::string where = "new " + (record.step.empty() ? std::string("record") : record.step + " record");
    EvidenceRecord probe = copy_record(record);
    probe.prev = probe.hash = "-";
    RELGATE_TRY(record_from_json(record_to_json(probe), where));
  }
  std::string signing_pem;
  if (!options.signing_key_path.empty()) {
    RELGATE_ASSIGN_OR_RETURN(signing_pem, read_signing_key(options.signing_key_path, "RELGATE_EVIDENCE_KEY"));
  }

  RELGATE_ASSIGN_OR_RETURN(FileLock lock, FileLock::acquire(lock_path_for(path)));
  RELGATE_TRY(remove_stale_temp_files(path));
  EvidenceFile file;
  if (file_exists(path)) {
    RELGATE_ASSIGN_OR_RETURN(file, load_checked(path));
    if (options.create_with_subject)
      RELGATE_TRY(check_same_subject(path, file, *options.create_with_subject));
  } else if (options.create_with_subject) {
    file = new_file(*options.create_with_subject, "");
  } else {
    return make_error(path +
                      ": no such evidence file (pass --subject NAME@DIGEST to create it, or run "
                      "`evidence init --evidence " +
                      path + " --subject NAME@DIGEST` first)");
  }
  if (options.judged_digest && !(*options.judged_digest == file.subject.digest)) {
    return make_error(path + ": artifact " + options.judged_digest->str() + " does not match the evidence subject " +
                      file.subject.digest.str() +
                      " (judge the artifact this file is for, or use its own evidence file)");
  }

  record.prev = file.records.empty() ? genesis_prev(file) : file.records.back().hash;
  record.signature.reset();
  if (!signing_pem.empty()) {
    RELGATE_ASSIGN_OR_RETURN(
        RecordSignature signature,
        sign_record(record, signing_pem, "RELGATE_EVIDENCE_KEY (" + options.signing_key_path + ")"));
    record.signature = std::move(signature);
  }
  record.hash = record_hash(record);
  file.records.push_back(copy_record(record));
  const std::string text = serialize_evidence(file);
  // The file must read back (depth and size limits included): a record that breaks it would
  // make every later reader and appender of this release fail.
  const std::string refused = "new " + record.step + " record refused: it would make " + path + " unreadable: ";
  if (text.size() > max_evidence_bytes)
    return make_error(refused + "larger than " + std::to_string(max_evidence_bytes >> 20) + " MiB");
  if (auto readable = parse_evidence(text, path); !readable)
    return make_error(refused + readable.message());
  RELGATE_TRY(write_file_atomic(path, text));
  return record;
}

} // namespace relgate
