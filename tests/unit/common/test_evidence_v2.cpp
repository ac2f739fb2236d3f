// The v2 contract: a signature covers the record's place in the chain (and so the subject), a
// record has a merge-stable id, anchors see truncation, key files are used whole or refused.
// Each attack here was accepted by v1 (signatures over the record body only).
#include "test_evidence_helpers.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

using namespace relgate;
using namespace relgate::evidence_test;

namespace
{

EvidenceFile signed_release(const TestKey &key, char subject_fill, std::size_t count)
{
  EvidenceFile file = make_file(0, subject_fill);
  for (std::size_t i = 0; i < count; ++i) {
    chain_append_signed(file,
                        make_record(i == 0 ? "scan-gate" : "slo-check", i == 0 ? Decision::allow : Decision::deny,
                                    "2026-02-11T09:0" + std::to_string(i) + ":00Z", "reason " + std::to_string(i)),
                        key.private_pem);
  }
  return file;
}

// Round-trips through text so the attack is checked on what a reader would load.
EvidenceFile reparse(const EvidenceFile &file)
{
  auto parsed = parse_evidence(serialize_evidence(file), "e.json");
  REQUIRE_MESSAGE(parsed.ok(), error_of(parsed));
  return std::move(*parsed);
}

void check_signature_refused(const EvidenceFile &forged, const TestKey &key, std::size_t index)
{
  const EvidenceFile loaded = reparse(forged);
  REQUIRE_MESSAGE(verify_chain(loaded).intact, "the forger rebuilt the chain: integrity alone passes");
  ChainReport report = verify_with_keys(loaded, {key.public_pem});
  CHECK_FALSE(report.intact);
  CHECK(report.first_bad_index == index);
  CHECK_MESSAGE(report.problem.find("does not verify (the record, its place in the chain or the subject was changed") !=
                    std::string::npos,
                report.problem);
}

} // namespace

TEST_CASE("v2 attack 1a: the subject digest of a fully signed file rewritten and the chain rebuilt")
{
  const TestKey key = make_ed25519_key(scratch_dir("v2-subject"), "ed");
  EvidenceFile file = signed_release(key, 'a', 3);
  REQUIRE(verify_with_keys(reparse(file), {key.public_pem}).intact);
  file.subject.digest.hex = std::string(64, 'e'); // another image
  rechain(file);
  check_signature_refused(file, key, 0);

  EvidenceFile renamed = signed_release(key, 'a', 3);
  renamed.subject.name = "ghcr.io/evil/api";
  rechain(renamed);
  check_signature_refused(renamed, key, 0);

  EvidenceFile release = signed_release(key, 'a', 3);
  release.release_id = "rel-other";
  rechain(release);
  check_signature_refused(release, key, 0);
}

TEST_CASE("v2 attack 1b: a signed ALLOW record copied from another release's file and re-chained")
{
  const TestKey key = make_ed25519_key(scratch_dir("v2-copy"), "ed");
  const EvidenceFile other_release = signed_release(key, 'b', 1); // scan-gate ALLOW for image b
  EvidenceFile target = signed_release(key, 'a', 0);
  target.records.push_back(copy_record(other_release.records[0]));
  rechain(target);
  check_signature_refused(target, key, 0);

  // Appended after this file's own signed records too.
  EvidenceFile longer = signed_release(key, 'a', 2);
  longer.records.push_back(copy_record(other_release.records[0]));
  rechain(longer);
  check_signature_refused(longer, key, 2);
}

TEST_CASE("v2 attack 1c: two signed records reordered and the chain recomputed")
{
  const TestKey key = make_ed25519_key(scratch_dir("v2-reorder"), "ed");
  EvidenceFile file = signed_release(key, 'a', 3);
  std::swap(file.records[1], file.records[2]);
  rechain(file);
  check_signature_refused(file, key, 1);

  // Dropping a signed DENY from the middle and relinking is the same attack.
  EvidenceFile dropped = signed_release(key, 'a', 3);
  dropped.records.erase(dropped.records.begin() + 1);
  rechain(dropped);
  check_signature_refused(dropped, key, 1);
}

TEST_CASE("v2: record_id leaves out prev, signature and hash, so it survives a merge; evidence_head is the newest")
{
  EvidenceFile file = make_file(3);
  const std::string id = record_id(file.records[2]);
  CHECK(id.rfind("sha256:", 0) == 0);
  CHECK(id.size() == 7 + 64);
  CHECK(evidence_head(file) == id);
  CHECK(evidence_head(make_file(0)).empty());
  CHECK(id != file.records[2].hash);
  CHECK(record_id(file.records[1]) != id);

  EvidenceRecord moved = copy_record(file.records[2]);
  moved.prev = "sha256:" + std::string(64, '0');
  moved.hash = record_hash(moved);
  moved.signature = RecordSignature{"sha256:" + std::string(64, 'd'), "ed25519", "c2ln"};
  CHECK(record_id(moved) == id);
  moved.decision = Decision::deny;
  CHECK(record_id(moved) != id);
}

TEST_CASE("v2: require_evidence_anchors sees records cut off the end, which the chain cannot")
{
  EvidenceFile file = make_file(4);
  const std::string head = evidence_head(file);
  const std::string earlier = record_id(file.records[1]);
  CHECK(require_evidence_anchors(file, {}).ok());
  CHECK(require_evidence_anchors(file, {head, earlier}).ok());

  EvidenceFile truncated = copy_evidence_for_test(file);
  truncated.records.pop_back();
  REQUIRE(verify_chain(reparse(truncated)).intact); // a clean cut leaves an intact chain...
  auto anchored = require_evidence_anchors(truncated, {head});
  REQUIRE_FALSE(anchored.ok()); // ...the anchor does not
  CHECK(anchored.message() == "evidence head " + head +
                                  " is not in the evidence (3 records): records a gate job published were cut off or "
                                  "the file was replaced; use the evidence file that job wrote");
  CHECK(require_evidence_anchors(truncated, {earlier}).ok());
  CHECK_FALSE(require_evidence_anchors(make_file(0), {head}).ok());
}

TEST_CASE("v2: relgate's own step names are reserved")
{
  for (const char *name : {"verify-signature", "scan-gate", "slo-check", "promote", "rollback", "evidence", "audit"}) {
    CAPTURE(name);
    CHECK(is_reserved_step_name(name));
  }
  for (const char *name : {"manual-check", "scan-gate-manual", "license-check", "Scan-gate", "scan_gate", ""}) {
    CAPTURE(name);
    CHECK_FALSE(is_reserved_step_name(name));
  }
}

TEST_CASE("v2: pinned_clock is part of the record and of what is signed")
{
  EvidenceFile file = make_file(0);
  EvidenceRecord record = make_record("manual-check", Decision::allow, "2026-02-11T09:00:00Z");
  record.pinned_clock = true;
  chain_append(file, std::move(record));
  const std::string text = serialize_evidence(file);
  CHECK(text.find("\"pinned_clock\": true") != std::string::npos);
  EvidenceFile loaded = reparse(file);
  CHECK(loaded.records[0].pinned_clock);
  CHECK(record_signed_bytes(loaded.records[0]).find("\"pinned_clock\":true") != std::string::npos);
  // Removing the flag is an edit; "false" is not a value (absent means the system clock).
  std::string removed = text;
  removed.erase(removed.find("\"pinned_clock\": true,"), std::string("\"pinned_clock\": true,").size());
  auto unpinned = parse_evidence(removed, "e.json");
  REQUIRE(unpinned.ok());
  CHECK_FALSE(verify_chain(*unpinned).intact);
  std::string falsified = text;
  falsified.replace(falsified.find("\"pinned_clock\": true"), 20, "\"pinned_clock\": false");
  auto refused = parse_evidence(falsified, "e.json");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.message() == "e.json: records[0].pinned_clock: must be true when present (omit it otherwise)");
}

TEST_CASE("v2: a key file with several PEM public keys uses every one of them")
{
  const std::string dir = scratch_dir("v2-multikey");
  const TestKey first = make_ed25519_key(dir, "first");
  const TestKey second = make_ed25519_key(dir, "second");
  const std::string both = dir + "/both.pub";
  std::ofstream(both) << first.public_pem << "\n" << second.public_pem;
  auto keys = read_public_key_pems(both);
  REQUIRE_MESSAGE(keys.ok(), error_of(keys));
  REQUIRE(keys->size() == 2);

  // A record signed by the second key verifies: v1 readers used only the first block.
  EvidenceFile file = make_file(0);
  chain_append_signed(file, make_record("manual-check", Decision::allow, "2026-02-11T09:00:00Z"), second.private_pem);
  chain_append_signed(file, make_record("manual-check", Decision::allow, "2026-02-11T09:01:00Z"), first.private_pem);
  ChainReport report = verify_with_keys(file, *keys);
  CHECK_MESSAGE(report.intact, report.problem);
  CHECK(report.signed_records == 2);
}

TEST_CASE("v2: a key file with junk, a private key or no key at all is refused, never cut to its first block")
{
  const std::string dir = scratch_dir("v2-badkeyfile");
  const TestKey key = make_ed25519_key(dir, "ed");
  const auto refused = [&](const std::string &name, const std::string &content, const std::string &why) {
    CAPTURE(name);
    std::ofstream(dir + "/" + name) << content;
    auto keys = read_public_key_pems(dir + "/" + name);
    REQUIRE_FALSE(keys.ok());
    CHECK_MESSAGE(keys.message().find(why) != std::string::npos, keys.message());
    CHECK(keys.message().find(dir + "/" + name) != std::string::npos);
  };
  refused("junk-after.pub", key.public_pem + "this is not a key\n", "text after the last PEM block");
  refused("junk-before.pub", "# trusted keys\n" + key.public_pem, "text outside the PEM blocks");
  refused("junk-between.pub", key.public_pem + "x\n" + key.public_pem, "text outside the PEM blocks");
  refused("private.pub", key.public_pem + key.private_pem, "key 2 of 2): not a public key");
  refused("empty.pub", "\n", "no PEM public key found");
  refused("unterminated.pub", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n", "PEM block without its END line");
  refused("broken.pub", key.public_pem + "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
          "key 2 of 2): not a usable key");
  // Whitespace around and between blocks is fine.
  std::ofstream(dir + "/spaced.pub") << "\n\n" << key.public_pem << "\r\n\n";
  CHECK(read_public_key_pems(dir + "/spaced.pub").ok());
}

TEST_CASE("v2: a signing key file must hold exactly one private key")
{
  const std::string dir = scratch_dir("v2-signingkey");
  const TestKey key = make_ed25519_key(dir, "ed");
  CHECK(read_signing_key(key.private_path, "RELGATE_EVIDENCE_KEY").ok());
  std::ofstream(dir + "/two.key") << key.private_pem << key.private_pem;
  auto two = read_signing_key(dir + "/two.key", "RELGATE_EVIDENCE_KEY");
  REQUIRE_FALSE(two.ok());
  CHECK(two.message().find("holds 2 PEM blocks") != std::string::npos);
  std::ofstream(dir + "/junk.key") << key.private_pem << "junk";
  CHECK_FALSE(read_signing_key(dir + "/junk.key", "RELGATE_EVIDENCE_KEY").ok());
  CHECK_FALSE(read_signing_key(key.public_path, "RELGATE_EVIDENCE_KEY").ok());
}
