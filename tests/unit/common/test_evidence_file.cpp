// The evidence file's shape: round trip, strict parsing, schema versions, subject digests.
#include "test_evidence_helpers.hpp"

#include "evidence_json_fields.hpp"

#include <climits>
#include <cstdlib>

#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::evidence_test;

namespace
{

EvidenceRecord rich_record()
{
  EvidenceRecord record =
      make_record("scan-gate", Decision::deny, "2026-02-11T09:30:00.123Z", "CVE-2024-1 is critical");
  record.reasons.push_back("upgrade openssl to 3.0.14");
  auto summary =
      parse_json(R"({"critical":1,"ratio":0.1,"nested":{"b":[1,2.5,"x"],"a":null},"big":12345678901234})", "summary");
  REQUIRE(summary.ok());
  record.summary = std::move(*summary);
  record.scope.env = "staging";
  record.scope.stage = 10;
  record.policy = PolicyRef{"policies/scan-gate.toml", std::string(64, 'b'), 3};
  record.inputs.push_back(FileRef{"trivy.json", std::string(64, 'c')});
  auto ci = parse_json(R"({"provider":"github","repository":"acme/api","run_id":"42"})", "ci");
  REQUIRE(ci.ok());
  record.ci = std::move(*ci);
  record.signature = RecordSignature{"sha256:" + std::string(64, 'd'), "ed25519", "c2lnbmF0dXJl"};
  return record;
}

std::string replace_once(std::string text, const std::string &from, const std::string &to)
{
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

} // namespace

TEST_CASE("evidence: a file with every field survives serialize -> parse byte for byte")
{
  EvidenceFile file = make_file(1);
  chain_append(file, rich_record());
  const std::string text = serialize_evidence(file);
  auto parsed = parse_evidence(text, "e.json");
  REQUIRE_MESSAGE(parsed.ok(), error_of(parsed));
  CHECK(serialize_evidence(*parsed) == text);
  REQUIRE(parsed->records.size() == 2);
  const EvidenceRecord &record = parsed->records[1];
  CHECK(record.step == "scan-gate");
  CHECK(record.decision == Decision::deny);
  CHECK(record.reasons.size() == 2);
  CHECK(record.scope.env == "staging");
  CHECK(record.scope.stage == 10);
  REQUIRE(record.policy.has_value());
  CHECK(record.policy->version == 3);
  REQUIRE(record.inputs.size() == 1);
  CHECK(record.inputs[0].path == "trivy.json");
  CHECK(get_string(record.ci, "repository") == "acme/api");
  REQUIRE(record.signature.has_value());
  CHECK(record.signature->algorithm == "ed25519");
  CHECK(record_chain_bytes(record) == record_chain_bytes(file.records[1]));
  CHECK(record_signed_bytes(record) == record_signed_bytes(file.records[1]));
  CHECK(parsed->subject == file.subject);
  CHECK(parsed->release_id == "rel-1");
  CHECK(verify_chain(*parsed).intact);
}

TEST_CASE("evidence: canonical bytes are sorted compact JSON; signed bytes are DSSE PAE over the record with prev")
{
  EvidenceFile file = make_file(1);
  const EvidenceRecord &record = file.records[0];
  const std::string chain = record_chain_bytes(record);
  const std::string signed_bytes = record_signed_bytes(record);
  CHECK(chain.rfind("{\"ci\":null,\"decision\":\"ALLOW\",\"duration_ms\":42,", 0) == 0);
  CHECK(chain.find('\n') == std::string::npos);
  CHECK(chain.find("\": ") == std::string::npos);
  CHECK(chain.find("\"prev\":") != std::string::npos);
  CHECK(chain.find("\"hash\":") == std::string::npos);
  CHECK(record.hash == "sha256:" + sha256_hex(chain));
  CHECK(record.prev == genesis_prev(file));
  // v2: the signature covers prev (so the record's place, the subject and every record before it).
  const std::string payload_type = "application/vnd.relgate.evidence-record.v2+json";
  const std::string header = "DSSEv1 " + std::to_string(payload_type.size()) + " " + payload_type + " ";
  REQUIRE(signed_bytes.rfind(header, 0) == 0);
  const std::string rest = signed_bytes.substr(header.size());
  const std::string payload = rest.substr(rest.find(' ') + 1);
  CHECK(rest.substr(0, rest.find(' ')) == std::to_string(payload.size()));
  CHECK(payload.find("\"prev\":\"" + record.prev + "\"") != std::string::npos);
  CHECK(payload.find("\"hash\":") == std::string::npos);
  CHECK(payload.find("\"signature\":") == std::string::npos);
  // The genesis binds the subject: another digest, another chain.
  EvidenceFile other = make_file(0, 'e');
  other.release_id = file.release_id;
  CHECK(genesis_prev(other) != genesis_prev(file));
}

TEST_CASE("evidence: numbers and unicode in summaries keep their hash through a round trip")
{
  EvidenceFile file = make_file(0);
  EvidenceRecord record = make_record("slo-check", Decision::allow, "2026-02-11T09:30:00Z");
  auto summary =
      parse_json(R"({"p99":0.30000000000000004,"tiny":1e-300,"neg":-0.0,"name":"caf\u00e9 \ud83d\ude80"})", "summary");
  REQUIRE(summary.ok());
  record.summary = std::move(*summary);
  chain_append(file, std::move(record));
  auto parsed = parse_evidence(serialize_evidence(file), "e.json");
  REQUIRE_MESSAGE(parsed.ok(), error_of(parsed));
  CHECK(parsed->records[0].hash == record_hash(parsed->records[0]));
  CHECK(verify_chain(*parsed).intact);
}

TEST_CASE("evidence: 2.0 and 2 are the same number, so a JSON tool that rewrites one as the other breaks nothing")
{
  EvidenceFile file = make_file(0);
  EvidenceRecord record = make_record("slo-check", Decision::allow, "2026-02-11T09:30:00Z");
  record.summary = *parse_json(R"({"ratio":0.0,"count":2.0,"list":[1.0,1.5]})", "summary");
  chain_append(file, std::move(record));
  const std::string text = serialize_evidence(file);
  CHECK(text.find("\"ratio\": 0,") != std::string::npos);
  CHECK(text.find("\"count\": 2,") != std::string::npos);
  CHECK(text.find("1.5") != std::string::npos);
  std::string rewritten = text;
  rewritten.replace(rewritten.find("\"count\": 2,"), 11, "\"count\": 2.0,");
  auto parsed = parse_evidence(rewritten, "e.json");
  REQUIRE(parsed.ok());
  CHECK(verify_chain(*parsed).intact);
}

TEST_CASE("evidence: long and extreme numbers are read exactly, never crash the reader (rapidjson#1251)")
{
  const std::string tiny = "0." + std::string(300, '0') + "1";
  const std::string text = R"({"a":)" + tiny +
                           R"(,"b":128.74836467836484838364836483643636483648e-336,)"
                           R"("c":18446744073709551615,"d":-9223372036854775808,"e":1e308})";
  auto parsed = parse_json(text, "s.json");
  REQUIRE_MESSAGE(parsed.ok(), error_of(parsed));
  CHECK((*parsed)["a"].GetDouble() == std::strtod(tiny.c_str(), nullptr));
  CHECK((*parsed)["b"].GetDouble() == std::strtod("128.74836467836484838364836483643636483648e-336", nullptr));
  CHECK((*parsed)["c"].GetUint64() == 18446744073709551615ull);
  CHECK((*parsed)["d"].GetInt64() == INT64_MIN);
  auto huge = parse_json(R"({"x":1e400})", "s.json");
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.message().rfind("s.json: invalid JSON at byte ", 0) == 0);
}

TEST_CASE("evidence: v1 is refused with what to do, a newer schema with an upgrade hint, a foreign one named")
{
  std::string text = serialize_evidence(make_file(1));
  CHECK(text.find("\"schema\": \"relgate.evidence/v2\"") != std::string::npos);
  // v1 signatures did not cover the subject or the record's place: never read, never migrated.
  auto v1 = parse_evidence(replace_once(text, "relgate.evidence/v2", "relgate.evidence/v1"), "e.json");
  REQUIRE_FALSE(v1.ok());
  CHECK(v1.message().rfind("e.json: schema relgate.evidence/v1 was written by relgate 0.1", 0) == 0);
  CHECK(v1.message().find("Start a new evidence file") != std::string::npos);
  auto newer = parse_evidence(replace_once(text, "relgate.evidence/v2", "relgate.evidence/v3"), "e.json");
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.message() == "e.json: schema \"relgate.evidence/v3\" was written by a newer relgate (this one "
                           "reads relgate.evidence/v2; upgrade relgate)");
  auto foreign = parse_evidence(replace_once(text, "relgate.evidence/v2", "in-toto/v1"), "e.json");
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.message().find("is not a relgate evidence schema") != std::string::npos);
  auto none = parse_evidence(R"({"records":[]})", "e.json");
  REQUIRE_FALSE(none.ok());
  CHECK(none.message().find("not a relgate evidence file") != std::string::npos);
}

TEST_CASE("evidence: strict parsing names the file, the record and the field")
{
  const std::string text = serialize_evidence(make_file(2));
  SUBCASE("invalid JSON")
  {
    auto result = parse_evidence(text.substr(0, text.size() / 2), "e.json");
    REQUIRE_FALSE(result.ok());
    CHECK(result.message().rfind("e.json: invalid JSON at byte ", 0) == 0);
  }
  SUBCASE("an unknown field is refused, not dropped (a dropped field would escape the hash)")
  {
    auto result =
        parse_evidence(replace_once(text, "\"step\": \"step-1\"", "\"step\": \"step-1\", \"extra\": 1"), "e.json");
    REQUIRE_FALSE(result.ok());
    CHECK(result.message() ==
          "e.json: records[1]: unknown field \"extra\" (remove it, or upgrade relgate if a newer version wrote it)");
  }
  SUBCASE("a duplicate key is refused")
  {
    auto result = parse_evidence(
        replace_once(text, "\"decision\": \"ALLOW\"", "\"decision\": \"ALLOW\", \"decision\": \"DENY\""), "e.json");
    REQUIRE_FALSE(result.ok());
    CHECK(result.message() == "e.json: records[0]: field \"decision\" appears twice (keep one)");
  }
  SUBCASE("a bad decision")
  {
    auto result = parse_evidence(replace_once(text, "\"ALLOW\"", "\"ALLOWED\""), "e.json");
    REQUIRE_FALSE(result.ok());
    CHECK(result.message() ==
          "e.json: records[0].decision: \"ALLOWED\" is not one of ALLOW, DENY, INCONCLUSIVE, ERROR");
  }
  SUBCASE("a missing field")
  {
    auto result = parse_evidence(replace_once(text, "\"duration_ms\": 42,", ""), "e.json");
    REQUIRE_FALSE(result.ok());
    CHECK(result.message() == "e.json: records[0]: missing field \"duration_ms\"");
  }
  SUBCASE("a bad start time")
  {
    auto result = parse_evidence(replace_once(text, "2026-02-11T09:01:00Z", "yesterday"), "e.json");
    REQUIRE_FALSE(result.ok());
    CHECK(result.message().find("records[1].started_at: \"yesterday\" is not an RFC 3339 time") != std::string::npos);
  }
  SUBCASE("deep nesting is refused before it can exhaust the stack")
  {
    auto result = parse_evidence(std::string(100000, '[') + std::string(100000, ']'), "e.json");
    REQUIRE_FALSE(result.ok());
    CHECK(result.message().find("nested deeper than") != std::string::npos);
  }
}

TEST_CASE("evidence: the subject must be pinned by a sha256 digest and follow the OCI grammar")
{
  const std::string text = serialize_evidence(make_file(0));
  const std::string digest = "sha256:" + std::string(64, 'a');
  for (const std::string &bad : {std::string("latest"), std::string("sha256:abc"), "sha256:" + std::string(64, 'A'),
                                 "md5:" + std::string(32, 'a'), "sha256:" + std::string(63, 'a') + "g",
                                 // sha384/sha512: relgate compares sha256 only (a sha512 subject dodged rejections)
                                 "sha384:" + std::string(96, 'a'), "sha512:" + std::string(128, 'f')}) {
    CAPTURE(bad);
    auto result = parse_evidence(replace_once(text, digest, bad), "e.json");
    REQUIRE_FALSE(result.ok());
    CHECK(result.message().rfind("e.json: subject.digest: ", 0) == 0);
  }
  // The header's name goes through the same grammar as --subject (it ends up in kustomizations).
  for (const std::string &bad : {std::string("ghcr.io/Acme/api"), std::string("ghcr.io/acme/api:1.2"),
                                 std::string("evil\"\nnewName: x"), std::string("acme/api x")}) {
    CAPTURE(bad);
    JsonDocument doc = *parse_json(text, "e.json");
    doc["subject"]["name"].SetString(bad.c_str(), static_cast<rapidjson::SizeType>(bad.size()), doc.GetAllocator());
    auto result = parse_evidence(to_json(doc), "e.json");
    REQUIRE_FALSE(result.ok());
    CHECK(result.message().rfind("e.json: subject.name: image name '", 0) == 0);
  }
  CHECK_FALSE(parse_subject("ghcr.io/acme/api:1.2").ok());
  CHECK_FALSE(parse_subject("ghcr.io/acme/api@sha256:1234").ok());
  CHECK(parse_subject("ghcr.io/acme/api@" + digest).ok());
}

TEST_CASE("evidence: find_latest_record picks the newest record with exactly the asked scope")
{
  EvidenceFile file = make_file(0);
  EvidenceRecord old_allow = make_record("slo-check", Decision::allow, "2026-02-11T09:00:00Z");
  old_allow.scope = {"staging", 10};
  EvidenceRecord newer_deny = make_record("slo-check", Decision::deny, "2026-02-11T09:10:00Z");
  newer_deny.scope = {"staging", 10};
  EvidenceRecord prod = make_record("slo-check", Decision::allow, "2026-02-11T09:20:00Z");
  prod.scope = {"prod", 50};
  chain_append(file, make_record("scan-gate", Decision::allow, "2026-02-11T08:00:00Z"));
  chain_append(file, std::move(old_allow));
  chain_append(file, std::move(newer_deny));
  chain_append(file, std::move(prod));

  const EvidenceRecord *staging = find_latest_record(file, "slo-check", "staging", 10);
  REQUIRE(staging != nullptr);
  CHECK(staging->decision == Decision::deny);
  CHECK(find_latest_record(file, "slo-check", "staging", 25) == nullptr);
  CHECK(find_latest_record(file, "slo-check")->scope.env == "prod");
  CHECK(find_latest_record(file, "scan-gate") != nullptr);
  CHECK(find_latest_record(file, "scan-gate", "prod", 50) == nullptr); // unscoped does not pass a scoped gate
  CHECK(find_latest_record(file, "slo-check", "prod") != nullptr);     // any stage of prod
  CHECK(find_latest_record(file, "slo-check", "prod", 10) == nullptr);
  CHECK(find_latest_record(file, "promote") == nullptr);
}
