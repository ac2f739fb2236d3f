// Chain verification: every kind of tampering is caught and reported at the first bad index.
#include "test_evidence_helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace relgate;
using namespace relgate::evidence_test;

namespace
{

// Round-trips through text so the tampered file is what a reader would see.
EvidenceFile reparse(const EvidenceFile &file)
{
  auto parsed = parse_evidence(serialize_evidence(file), "e.json");
  REQUIRE_MESSAGE(parsed.ok(), error_of(parsed));
  return std::move(*parsed);
}

void check_broken_at(const EvidenceFile &file, std::size_t index, const std::string &problem_part)
{
  ChainReport report = verify_chain(reparse(file));
  CHECK_FALSE(report.intact);
  REQUIRE(report.first_bad_index.has_value());
  CHECK(*report.first_bad_index == index);
  CHECK(report.problem.rfind("record " + std::to_string(index) + ": ", 0) == 0);
  CHECK_MESSAGE(report.problem.find(problem_part) != std::string::npos, report.problem);
}

} // namespace

TEST_CASE("chain: an untouched file and an empty file are intact")
{
  CHECK(verify_chain(reparse(make_file(0))).intact);
  ChainReport report = verify_chain(reparse(make_file(5)));
  CHECK(report.intact);
  CHECK_FALSE(report.first_bad_index.has_value());
  CHECK(report.signed_records == 0);
}

TEST_CASE("chain: an edited record is reported at its own index, wherever it is")
{
  for (std::size_t index : {0u, 2u, 4u}) {
    CAPTURE(index);
    {
      EvidenceFile file = make_file(5);
      file.records[index].decision = Decision::deny;
      check_broken_at(file, index, "content does not match its hash (the record was edited)");
    }
    {
      EvidenceFile file = make_file(5);
      file.records[index].reasons[0] = "all good";
      check_broken_at(file, index, "edited");
    }
    {
      EvidenceFile file = make_file(5);
      auto &summary = file.records[index].summary;
      set_member(summary, "critical", JsonValue(0), summary.GetAllocator());
      check_broken_at(file, index, "edited");
    }
    {
      EvidenceFile file = make_file(5);
      file.records[index].started_at = "2026-02-11T10:00:00Z";
      check_broken_at(file, index, "edited");
    }
    {
      // The hash rewritten to match the edit: the next record's prev catches it.
      EvidenceFile file = make_file(5);
      file.records[index].decision = Decision::deny;
      file.records[index].hash = record_hash(file.records[index]);
      if (index + 1 < file.records.size()) {
        check_broken_at(file, index + 1, "prev does not match record " + std::to_string(index));
      } else {
        // The last record rehashed by someone who knows the format: integrity only (docs/evidence.md).
        CHECK(verify_chain(reparse(file)).intact);
      }
    }
  }
}

TEST_CASE("chain: removed, inserted and reordered records are reported at the first bad index")
{
  SUBCASE("removed from the middle")
  {
    EvidenceFile file = make_file(5);
    file.records.erase(file.records.begin() + 2);
    check_broken_at(file, 2, "prev does not match record 1");
  }
  SUBCASE("removed from the start")
  {
    EvidenceFile file = make_file(5);
    file.records.erase(file.records.begin());
    check_broken_at(file, 0, "prev does not match the file header");
  }
  SUBCASE("inserted: a copy of another record")
  {
    EvidenceFile file = make_file(5);
    file.records.insert(file.records.begin() + 3, copy_record(file.records[1]));
    check_broken_at(file, 3, "prev does not match record 2");
  }
  SUBCASE("inserted: a new record with a made-up prev")
  {
    EvidenceFile file = make_file(5);
    EvidenceRecord forged = make_record("scan-gate", Decision::allow, "2026-02-11T09:02:30Z");
    forged.prev = "sha256:" + std::string(64, '0');
    forged.hash = record_hash(forged);
    file.records.insert(file.records.begin() + 2, std::move(forged));
    check_broken_at(file, 2, "prev does not match record 1");
  }
  SUBCASE("two records swapped")
  {
    EvidenceFile file = make_file(5);
    std::swap(file.records[1], file.records[3]);
    check_broken_at(file, 1, "prev does not match record 0");
  }
  SUBCASE("all reversed")
  {
    EvidenceFile file = make_file(5);
    std::reverse(file.records.begin(), file.records.end());
    check_broken_at(file, 0, "prev does not match the file header");
  }
  SUBCASE("the subject swapped under the records")
  {
    EvidenceFile file = make_file(3);
    file.subject = test_subject('f');
    check_broken_at(file, 0, "prev does not match the file header");
  }
  SUBCASE("the prev of a record edited")
  {
    EvidenceFile file = make_file(3);
    file.records[2].prev = file.records[0].hash;
    check_broken_at(file, 2, "prev does not match record 1");
  }
}

TEST_CASE("chain: records carried to another file by a naive copy do not verify there")
{
  EvidenceFile source = make_file(2, 'a');
  EvidenceFile target = make_file(0, 'b');
  target.records.push_back(copy_record(source.records[0]));
  check_broken_at(target, 0, "file header");
}
