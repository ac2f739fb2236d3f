// Shared fixtures for the evidence tests: a subject, records, in-memory chains, scratch folders.
#pragma once

#include "evidence.hpp"
#include "file_io.hpp"
#include "process.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace relgate::evidence_test
{

// For *_MESSAGE assertions: the error text of a failed Result, "" otherwise.
template <typename T> std::string error_of(const Result<T> &result)
{
  return result.ok() ? std::string() : result.message();
}

// verify_chain_with_keys for keys the test knows are usable: an unusable key fails the test.
inline ChainReport verify_with_keys(const EvidenceFile &file, const std::vector<std::string> &trusted_key_pems)
{
  auto report = verify_chain_with_keys(file, trusted_key_pems);
  REQUIRE_MESSAGE(report.ok(), error_of(report));
  return std::move(*report);
}

// Relinks every record after an edit, as a forger who knows the format would (signatures kept).
inline void rechain(EvidenceFile &file)
{
  std::string prev = genesis_prev(file);
  for (auto &record : file.records) {
    record.prev = prev;
    record.hash = record_hash(record);
    prev = record.hash;
  }
}

inline Subject test_subject(char fill = 'a')
{
  return Subject{"ghcr.io/acme/api", Digest{HashAlgorithm::sha256, std::string(64, fill)}};
}

inline EvidenceRecord make_record(const std::string &step, Decision decision, const std::string &started_at,
                                  const std::string &reason = "")
{
  EvidenceRecord record;
  record.step = step;
  record.decision = decision;
  if (!reason.empty())
    record.reasons.push_back(reason);
  record.summary = empty_object();
  record.tool_version = "0.1.0";
  record.started_at = started_at;
  record.duration_ms = 42;
  return record;
}

// Appends in memory exactly as append_record does on disk (without the lock and the file).
inline void chain_append(EvidenceFile &file, EvidenceRecord record)
{
  record.prev = file.records.empty() ? genesis_prev(file) : file.records.back().hash;
  record.hash = record_hash(record);
  file.records.push_back(std::move(record));
}

inline EvidenceFile make_file(std::size_t record_count, char subject_fill = 'a')
{
  EvidenceFile file;
  file.subject = test_subject(subject_fill);
  file.release_id = "rel-1";
  file.created_at = "2026-02-11T09:00:00Z";
  for (std::size_t i = 0; i < record_count; ++i) {
    chain_append(file, make_record("step-" + std::to_string(i), Decision::allow,
                                   "2026-02-11T09:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ":00Z",
                                   "reason " + std::to_string(i)));
  }
  return file;
}

inline EvidenceFile copy_evidence_for_test(const EvidenceFile &file)
{
  EvidenceFile copy;
  copy.schema = file.schema;
  copy.subject = file.subject;
  copy.release_id = file.release_id;
  copy.created_at = file.created_at;
  for (const auto &record : file.records)
    copy.records.push_back(copy_record(record));
  return copy;
}

// Appends a record signed over its final place (v2 signatures cover prev), as append_record does.
inline void chain_append_signed(EvidenceFile &file, EvidenceRecord record, const std::string &private_pem)
{
  record.prev = file.records.empty() ? genesis_prev(file) : file.records.back().hash;
  auto signature = sign_record(record, private_pem, "test key");
  REQUIRE_MESSAGE(signature.ok(), error_of(signature));
  record.signature = *signature;
  record.hash = record_hash(record);
  file.records.push_back(std::move(record));
}

struct TestKey {
  std::string private_path;
  std::string public_path;
  std::string private_pem;
  std::string public_pem;
};

// A fresh Ed25519 key pair made by `openssl genpkey`.
inline TestKey make_ed25519_key(const std::string &dir, const std::string &name)
{
  TestKey key{dir + "/" + name + ".key", dir + "/" + name + ".pub", "", ""};
  auto made = run_process({"openssl", "genpkey", "-algorithm", "ed25519", "-out", key.private_path});
  REQUIRE(made.ok());
  REQUIRE(made->exit_code == 0);
  auto pub = run_process({"openssl", "pkey", "-in", key.private_path, "-pubout", "-out", key.public_path});
  REQUIRE(pub.ok());
  REQUIRE(pub->exit_code == 0);
  key.private_pem = *read_file(key.private_path);
  key.public_pem = *read_file(key.public_path);
  return key;
}

// A fresh, empty folder under the ctest scratch dir (or /tmp when run by hand).
inline std::string scratch_dir(const std::string &name)
{
  const char *base = std::getenv("RELGATE_TEST_TMP");
  std::filesystem::path dir = std::filesystem::path(base ? base : "/tmp/relgate-unit") / ("evidence-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

} // namespace relgate::evidence_test
