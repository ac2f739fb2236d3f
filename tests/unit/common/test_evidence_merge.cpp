// Merging copies from parallel jobs: order, duplicates, refusals, signatures kept.
#include "test_evidence_helpers.hpp"

#include "file_io.hpp"
#include "process.hpp"

#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::evidence_test;

namespace
{

EvidenceFile file_with(const std::vector<std::pair<std::string, std::string>> &steps_and_times, char fill = 'a')
{
  EvidenceFile file = make_file(0, fill);
  for (const auto &[step, time] : steps_and_times) {
    chain_append(file, make_record(step, Decision::allow, time, step + " passed"));
  }
  return file;
}

std::vector<std::string> steps_of(const EvidenceFile &file)
{
  std::vector<std::string> steps;
  for (const auto &record : file.records)
    steps.push_back(record.step);
  return steps;
}

} // namespace

TEST_CASE("merge: records ordered by start time across inputs, ties keep input order, chain rebuilt")
{
  std::vector<EvidenceFile> inputs;
  inputs.push_back(file_with({{"a1", "2026-02-11T09:00:00Z"}, {"a2", "2026-02-11T09:20:00Z"}}));
  inputs.push_back(file_with({{"b1", "2026-02-11T09:10:00Z"}, {"b2", "2026-02-11T09:20:00Z"}}));
  // An offset time sorts by the instant, not the text: 10:05+01:00 is 09:05Z.
  inputs.push_back(file_with({{"c1", "2026-02-11T10:05:00+01:00"}}));
  auto merged = merge_evidence(inputs);
  REQUIRE_MESSAGE(merged.ok(), error_of(merged));
  CHECK(steps_of(*merged) == std::vector<std::string>{"a1", "c1", "b1", "a2", "b2"});
  CHECK(verify_chain(*merged).intact);
  CHECK(merged->records[0].prev == genesis_prev(*merged));
  CHECK(merged->subject == inputs[0].subject);
  // Merged output reads back intact.
  auto reparsed = parse_evidence(serialize_evidence(*merged), "merged.json");
  REQUIRE(reparsed.ok());
  CHECK(verify_chain(*reparsed).intact);
}

TEST_CASE("merge: exact duplicates are dropped, records that differ in anything are kept")
{
  EvidenceFile shared = file_with({{"scan-gate", "2026-02-11T09:00:00Z"}});
  EvidenceFile job_a = file_with({{"scan-gate", "2026-02-11T09:00:00Z"}, {"slo-a", "2026-02-11T09:05:00Z"}});
  EvidenceFile job_b = file_with({{"scan-gate", "2026-02-11T09:00:00Z"}, {"slo-b", "2026-02-11T09:06:00Z"}});
  // Same step and time but another decision: not a duplicate.
  EvidenceRecord different = make_record("scan-gate", Decision::deny, "2026-02-11T09:00:00Z", "scan-gate passed");
  chain_append(job_b, std::move(different));
  std::vector<EvidenceFile> inputs;
  inputs.push_back(std::move(job_a));
  inputs.push_back(std::move(job_b));
  inputs.push_back(std::move(shared));
  auto merged = merge_evidence(inputs);
  REQUIRE(merged.ok());
  CHECK(steps_of(*merged) == std::vector<std::string>{"scan-gate", "scan-gate", "slo-a", "slo-b"});
  CHECK(merged->records[1].decision == Decision::deny);

  // Merging a result with itself changes nothing.
  std::vector<EvidenceFile> again;
  again.push_back(copy_evidence_for_test(*merged));
  again.push_back(copy_evidence_for_test(*merged));
  auto idempotent = merge_evidence(again);
  REQUIRE(idempotent.ok());
  CHECK(serialize_evidence(*idempotent) == serialize_evidence(*merged));
}

TEST_CASE("merge: a record appended twice within one file is not a duplicate")
{
  EvidenceFile twice = file_with({{"manual", "2026-02-11T09:00:00Z"}, {"manual", "2026-02-11T09:00:00Z"}});
  EvidenceFile once = file_with({{"manual", "2026-02-11T09:00:00Z"}, {"other", "2026-02-11T09:01:00Z"}});
  std::vector<EvidenceFile> inputs;
  inputs.push_back(std::move(once));
  inputs.push_back(std::move(twice));
  auto merged = merge_evidence(inputs);
  REQUIRE(merged.ok());
  CHECK(steps_of(*merged) == std::vector<std::string>{"manual", "manual", "other"});
}

TEST_CASE("merge: different subjects and broken inputs are refused")
{
  SUBCASE("different subjects")
  {
    std::vector<EvidenceFile> inputs;
    inputs.push_back(file_with({{"a", "2026-02-11T09:00:00Z"}}, 'a'));
    inputs.push_back(file_with({{"b", "2026-02-11T09:00:00Z"}}, 'b'));
    auto merged = merge_evidence(inputs);
    REQUIRE_FALSE(merged.ok());
    CHECK(merged.message().rfind("input 2: subject ghcr.io/acme/api@sha256:bbbb", 0) == 0);
    CHECK(merged.message().find("only copies of the same release candidate can be merged") != std::string::npos);
  }
  SUBCASE("a broken chain")
  {
    std::vector<EvidenceFile> inputs;
    inputs.push_back(file_with({{"a", "2026-02-11T09:00:00Z"}}));
    inputs.push_back(file_with({{"b", "2026-02-11T09:00:00Z"}, {"c", "2026-02-11T09:01:00Z"}}));
    inputs[1].records[0].decision = Decision::deny;
    auto merged = merge_evidence(inputs);
    REQUIRE_FALSE(merged.ok());
    CHECK(merged.message().rfind("input 2: chain is broken at record 0: content does not match its hash", 0) == 0);
  }
  SUBCASE("different release ids")
  {
    std::vector<EvidenceFile> inputs;
    inputs.push_back(file_with({}));
    inputs.push_back(file_with({}));
    inputs[1].release_id = "rel-2";
    CHECK_FALSE(merge_evidence(inputs).ok());
  }
  CHECK_FALSE(merge_evidence({}).ok());
}

namespace
{

// Two parallel jobs: each starts from the same signed base and appends one signed record.
std::vector<EvidenceFile> signed_parallel_copies(const TestKey &key)
{
  EvidenceFile base = make_file(0);
  chain_append_signed(base, make_record("build", Decision::allow, "2026-02-11T08:00:00Z"), key.private_pem);
  std::vector<EvidenceFile> inputs;
  for (int job = 0; job < 2; ++job) {
    EvidenceFile file = copy_evidence_for_test(base);
    chain_append_signed(file,
                        make_record("job-" + std::to_string(job), Decision::allow,
                                    "2026-02-11T09:0" + std::to_string(2 - job) + ":00Z"),
                        key.private_pem);
    inputs.push_back(std::move(file));
  }
  return inputs;
}

} // namespace

TEST_CASE("merge: a signed record that moves is verified and re-signed with the signing key")
{
  const TestKey key = make_ed25519_key(scratch_dir("merge-signed"), "ed");
  MergeKeys keys;
  keys.signing_key_pem = key.private_pem;
  keys.signing_key_source = "ed.key";
  auto merged = merge_evidence(signed_parallel_copies(key), keys);
  REQUIRE_MESSAGE(merged.ok(), error_of(merged));
  CHECK(steps_of(*merged) == std::vector<std::string>{"build", "job-1", "job-0"});
  ChainReport report = verify_with_keys(*merged, {key.public_pem});
  CHECK_MESSAGE(report.intact, report.problem);
  CHECK(report.signed_records == 3);
}

TEST_CASE("merge: moved signed records without a signing key are refused, naming the record")
{
  const TestKey key = make_ed25519_key(scratch_dir("merge-signed-nokey"), "ed");
  auto merged = merge_evidence(signed_parallel_copies(key));
  REQUIRE_FALSE(merged.ok());
  // job-1 keeps its place after build; job-0 moves behind job-1, and its signature covers its place.
  CHECK(merged.message().rfind("record 2 (job-0, signed by sha256:", 0) == 0);
  CHECK(merged.message().find("set RELGATE_EVIDENCE_KEY (or --signing-key)") != std::string::npos);
}

TEST_CASE("merge: a forged signed record is refused, never re-signed")
{
  const std::string dir = scratch_dir("merge-forged");
  const TestKey key = make_ed25519_key(dir, "ed");
  std::vector<EvidenceFile> inputs = signed_parallel_copies(key);
  // An attacker flips job-0 to another decision and relinks its copy: the chain is intact, the
  // signature (made over the original) is not.
  inputs[0].records[1].reasons = {"forged"};
  rechain(inputs[0]);
  REQUIRE(verify_chain(inputs[0]).intact);
  MergeKeys keys;
  keys.signing_key_pem = key.private_pem;
  keys.signing_key_source = "ed.key";
  auto merged = merge_evidence(inputs, keys);
  REQUIRE_FALSE(merged.ok());
  CHECK(merged.message().find("job-0") != std::string::npos);
  CHECK(merged.message().find("signature does not verify") != std::string::npos);
  CHECK(merged.message().find("refusing to re-sign a forged or edited record") != std::string::npos);

  SUBCASE("a record signed by a key merge does not know is refused too")
  {
    const TestKey stranger = make_ed25519_key(dir, "stranger");
    std::vector<EvidenceFile> copies = signed_parallel_copies(stranger);
    auto refused = merge_evidence(copies, keys);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.message().find("signed by a key merge cannot check (pass its public key with --key)") !=
          std::string::npos);
    MergeKeys with_trusted = keys;
    with_trusted.trusted_key_pems = {stranger.public_pem};
    auto accepted = merge_evidence(copies, with_trusted);
    REQUIRE_MESSAGE(accepted.ok(), error_of(accepted));
    CHECK(verify_with_keys(*accepted, {stranger.public_pem, key.public_pem}).intact);
  }
}

TEST_CASE("merge: merge_evidence_files reports how many records it re-signed")
{
  const std::string dir = scratch_dir("merge-resigned-count");
  const TestKey key = make_ed25519_key(dir, "ed");
  std::vector<EvidenceFile> inputs = signed_parallel_copies(key);
  REQUIRE(write_file_atomic(dir + "/a.json", serialize_evidence(inputs[0])).ok());
  REQUIRE(write_file_atomic(dir + "/b.json", serialize_evidence(inputs[1])).ok());
  MergeKeys keys;
  keys.signing_key_pem = key.private_pem;
  keys.signing_key_source = "ed.key";
  auto summary = merge_evidence_files(dir + "/out.json", {dir + "/a.json", dir + "/b.json"}, keys);
  REQUIRE_MESSAGE(summary.ok(), error_of(summary));
  CHECK(summary->merged_records == 3);
  CHECK(summary->resigned_records == 1);
  CHECK(verify_with_keys(*load_evidence(dir + "/out.json"), {key.public_pem}).intact);
}

TEST_CASE("merge: merge_evidence_files writes OUT and keeps what OUT already held")
{
  const std::string dir = scratch_dir("merge-files");
  REQUIRE(write_file_atomic(dir + "/a.json", serialize_evidence(file_with({{"a", "2026-02-11T09:00:00Z"}}))).ok());
  REQUIRE(write_file_atomic(dir + "/b.json", serialize_evidence(file_with({{"b", "2026-02-11T09:01:00Z"}}))).ok());
  REQUIRE(write_file_atomic(dir + "/out.json", serialize_evidence(file_with({{"o", "2026-02-11T08:00:00Z"}}))).ok());
  auto summary = merge_evidence_files(dir + "/out.json", {dir + "/a.json", dir + "/b.json", dir + "/a.json"});
  REQUIRE_MESSAGE(summary.ok(), error_of(summary));
  CHECK(summary->input_records == 4);
  CHECK(summary->merged_records == 3);
  auto out = load_evidence(dir + "/out.json");
  REQUIRE(out.ok());
  CHECK(steps_of(*out) == std::vector<std::string>{"o", "a", "b"});
  CHECK(verify_chain(*out).intact);

  REQUIRE(write_file_atomic(dir + "/other.json", serialize_evidence(file_with({}, 'c'))).ok());
  auto refused = merge_evidence_files(dir + "/out.json", {dir + "/other.json"});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.message().rfind(dir + "/other.json: subject ", 0) == 0);
  CHECK(load_evidence(dir + "/out.json")->records.size() == 3); // untouched
}

TEST_CASE("merge: an output readers would refuse as too large is not written")
{
  const std::string dir = scratch_dir("merge-too-large");
  for (const char *name : {"a", "b"}) {
    EvidenceFile file = make_file(0);
    chain_append(file, make_record(std::string("big-") + name, Decision::allow, "2026-02-11T09:00:00Z",
                                   std::string(9 << 20, name[0])));
    REQUIRE(write_file_atomic(dir + "/" + name + ".json", serialize_evidence(file)).ok());
  }
  auto refused = merge_evidence_files(dir + "/out.json", {dir + "/a.json", dir + "/b.json"});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.message() == dir + "/out.json: the merged evidence would be larger than 16 MiB, which readers refuse "
                                   "(merge fewer files)");
  CHECK_FALSE(file_exists(dir + "/out.json"));
}
