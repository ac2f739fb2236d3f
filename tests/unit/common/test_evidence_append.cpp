// Appending on disk: creation, subject checks, refusal to extend a broken chain, crash leftovers.
#include "test_evidence_helpers.hpp"

#include "file_io.hpp"
#include "process.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <thread>

using namespace relgate;
using namespace relgate::evidence_test;

TEST_CASE("append: creates the file with --subject, then chains every record")
{
  const std::string path = scratch_dir("append-create") + "/e.json";
  AppendOptions options;
  options.create_with_subject = test_subject();
  for (int i = 0; i < 3; ++i) {
    auto appended = append_record(path, make_record("step", Decision::allow, "2026-02-11T09:00:00Z", "r"), options);
    REQUIRE_MESSAGE(appended.ok(), error_of(appended));
    CHECK(appended->hash == record_hash(*appended));
  }
  auto file = load_evidence(path);
  REQUIRE(file.ok());
  CHECK(file->subject == test_subject());
  CHECK(file->records.size() == 3);
  CHECK(verify_chain(*file).intact);
  CHECK_FALSE(file->created_at.empty());
  CHECK(file_exists(path + ".lock"));
}

TEST_CASE("append: a missing file without a subject says how to create it")
{
  const std::string path = scratch_dir("append-missing") + "/e.json";
  auto result = append_record(path, make_record("step", Decision::allow, "2026-02-11T09:00:00Z"), {});
  REQUIRE_FALSE(result.ok());
  CHECK(result.message() == path +
                                ": no such evidence file (pass --subject NAME@DIGEST to create it, or run "
                                "`evidence init --evidence " +
                                path + " --subject NAME@DIGEST` first)");
  CHECK_FALSE(file_exists(path));
}

TEST_CASE("append: the judged artifact and the given subject must match the file's subject")
{
  const std::string path = scratch_dir("append-subject") + "/e.json";
  REQUIRE(init_evidence(path, test_subject('a'), "rel-1").ok());
  const std::string before = *read_file(path);

  AppendOptions judged;
  judged.judged_digest = test_subject('b').digest;
  auto mismatch = append_record(path, make_record("scan-gate", Decision::allow, "2026-02-11T09:00:00Z"), judged);
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.message() == path + ": artifact sha256:" + std::string(64, 'b') +
                                  " does not match the evidence subject sha256:" + std::string(64, 'a') +
                                  " (judge the artifact this file is for, or use its own evidence file)");

  AppendOptions other_subject;
  other_subject.create_with_subject = test_subject('c');
  auto refused = append_record(path, make_record("scan-gate", Decision::allow, "2026-02-11T09:00:00Z"), other_subject);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.message().find("does not match the evidence subject") != std::string::npos);
  CHECK(*read_file(path) == before);

  judged.judged_digest = test_subject('a').digest;
  CHECK(append_record(path, make_record("scan-gate", Decision::allow, "2026-02-11T09:00:00Z"), judged).ok());
}

TEST_CASE("append: a broken chain is refused with the index, and the file is left as it was")
{
  const std::string path = scratch_dir("append-broken") + "/e.json";
  EvidenceFile file = make_file(3);
  file.records[1].reasons[0] = "edited";
  REQUIRE(write_file_atomic(path, serialize_evidence(file)).ok());
  const std::string before = *read_file(path);
  auto result = append_record(path, make_record("step", Decision::allow, "2026-02-11T09:00:00Z"), {});
  REQUIRE_FALSE(result.ok());
  CHECK(result.message().rfind(path + ": chain is broken at record 1: content does not match its hash", 0) == 0);
  CHECK(result.message().find("refusing to append") != std::string::npos);
  CHECK(*read_file(path) == before);
}

TEST_CASE("append: a record that could not be read back is refused before touching the file")
{
  const std::string path = scratch_dir("append-invalid") + "/e.json";
  REQUIRE(init_evidence(path, test_subject(), "").ok());
  const std::string before = *read_file(path);
  CHECK_FALSE(append_record(path, make_record("", Decision::allow, "2026-02-11T09:00:00Z"), {}).ok());
  CHECK_FALSE(append_record(path, make_record("step", Decision::allow, "not a time"), {}).ok());
  CHECK(*read_file(path) == before);
}

TEST_CASE("append: a record that would make the file unreadable (too deep, too large) is refused")
{
  const std::string path = scratch_dir("append-unreadable") + "/e.json";
  REQUIRE(init_evidence(path, test_subject(), "").ok());
  const std::string before = *read_file(path);
  // Deep enough for the file (root, records, record, summary add four levels), not for --summary.
  EvidenceRecord deep = make_record("manual-check", Decision::allow, "2026-02-11T09:00:00Z");
  auto summary = parse_json("{\"n\":" + std::string(62, '[') + "1" + std::string(62, ']') + "}", "summary");
  REQUIRE_MESSAGE(summary.ok(), error_of(summary));
  deep.summary = std::move(*summary);
  auto refused = append_record(path, std::move(deep), {});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.message().rfind("new manual-check record refused: it would make " + path + " unreadable: ", 0) == 0);
  CHECK(refused.message().find("nested deeper than") != std::string::npos);

  EvidenceRecord huge =
      make_record("manual-check", Decision::allow, "2026-02-11T09:00:00Z", std::string(17 << 20, 'x'));
  auto too_large = append_record(path, std::move(huge), {});
  REQUIRE_FALSE(too_large.ok());
  CHECK(too_large.message().find("larger than 16 MiB") != std::string::npos);
  CHECK(*read_file(path) == before);
  CHECK(load_evidence(path).ok());
}

TEST_CASE("append: temp files left by a writer killed before its rename are cleaned up")
{
  const std::string dir = scratch_dir("append-stale");
  const std::string path = dir + "/e.json";
  REQUIRE(init_evidence(path, test_subject(), "").ok());
  REQUIRE(write_file_atomic(dir + "/e.json.tmp.999999", "{half a fi").ok());
  CHECK(append_record(path, make_record("step", Decision::allow, "2026-02-11T09:00:00Z"), {}).ok());
  CHECK_FALSE(file_exists(dir + "/e.json.tmp.999999"));
  CHECK(load_evidence(path)->records.size() == 1);
}

TEST_CASE("append: a signing key that cannot be read is an error naming RELGATE_EVIDENCE_KEY")
{
  const std::string dir = scratch_dir("append-key");
  const std::string path = dir + "/e.json";
  REQUIRE(init_evidence(path, test_subject(), "").ok());
  AppendOptions options;
  options.signing_key_path = dir + "/missing.key";
  auto result = append_record(path, make_record("step", Decision::allow, "2026-02-11T09:00:00Z"), options);
  REQUIRE_FALSE(result.ok());
  CHECK(result.message().rfind("RELGATE_EVIDENCE_KEY: " + dir + "/missing.key: ", 0) == 0);

  REQUIRE(run_process({"openssl", "genpkey", "-algorithm", "ed25519", "-out", dir + "/ed.key"})->exit_code == 0);
  REQUIRE(run_process({"openssl", "pkey", "-in", dir + "/ed.key", "-pubout", "-out", dir + "/ed.pub"})->exit_code == 0);
  options.signing_key_path = dir + "/ed.key";
  auto signed_record = append_record(path, make_record("step", Decision::allow, "2026-02-11T09:00:00Z"), options);
  REQUIRE_MESSAGE(signed_record.ok(), error_of(signed_record));
  REQUIRE(signed_record->signature.has_value());
  CHECK(verify_with_keys(*load_evidence(path), {*read_file(dir + "/ed.pub")}).intact);
}

TEST_CASE("append: threads appending at once (each with its own lock descriptor) lose nothing")
{
  const std::string path = scratch_dir("append-threads") + "/e.json";
  REQUIRE(init_evidence(path, test_subject(), "").ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto result = append_record(
            path, make_record("t" + std::to_string(t), Decision::allow, "2026-02-11T09:00:00Z", std::to_string(i)), {});
        if (!result.ok())
          ++failures;
      }
    });
  }
  for (auto &thread : threads)
    thread.join();
  CHECK(failures.load() == 0);
  auto file = load_evidence(path);
  REQUIRE(file.ok());
  CHECK(file->records.size() == 40);
  CHECK(verify_chain(*file).intact);
}

TEST_CASE("init: idempotent for the same subject, refused for another")
{
  const std::string path = scratch_dir("init") + "/e.json";
  auto created = init_evidence(path, test_subject(), "rel-1");
  REQUIRE(created.ok());
  const std::string before = *read_file(path);
  CHECK(init_evidence(path, test_subject(), "rel-1").ok());
  CHECK(init_evidence(path, test_subject(), "").ok());
  CHECK(*read_file(path) == before);
  auto other = init_evidence(path, test_subject('b'), "");
  REQUIRE_FALSE(other.ok());
  CHECK(other.message() == path + ": subject ghcr.io/acme/api@sha256:" + std::string(64, 'b') +
                               " does not match the evidence subject ghcr.io/acme/api@sha256:" + std::string(64, 'a') +
                               " (use a separate evidence file per release candidate)");
  CHECK_FALSE(init_evidence(path, test_subject(), "rel-2").ok());
}
