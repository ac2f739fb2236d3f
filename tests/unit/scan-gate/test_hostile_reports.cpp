// The walkers share common/json.hpp's rules with parse_json (one depth limit, one number
// conversion), refuse duplicate keys at any size, and read integers only from integers.
#include "json.hpp"
#include "json_object_keys.hpp"
#include "scan_test_helpers.hpp"
#include "subject_binding.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

using namespace relgate::scan;
using scan_test::read_text;
using scan_test::trivy_report;
using scan_test::trivy_vuln;

namespace
{
std::string nested(int depth)
{
  return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']');
}
} // namespace

TEST_CASE("the walkers and parse_json share one depth limit")
{
  // The root object is level 1, so max_json_depth - 1 arrays inside it is the deepest allowed.
  const int inside = relgate::max_json_depth - 1;
  std::string ok = "{\"SchemaVersion\":2,\"x\":" + nested(inside) + ",\"Results\":[]}";
  std::string deep = "{\"SchemaVersion\":2,\"x\":" + nested(inside + 1) + ",\"Results\":[]}";
  CHECK(relgate::parse_json(ok, "ok.json"));
  CHECK_FALSE(relgate::parse_json(deep, "deep.json"));
  CHECK(read_text(ok).info);
  auto refused = read_text(deep);
  REQUIRE_FALSE(refused.info);
  CHECK(refused.info.message().find("report.json: byte ") == 0);
  CHECK(refused.info.message().find("nested deeper than 64 levels") != std::string::npos);
  // Format detection walks the same way: deep nesting before any deciding key.
  auto undetected = read_text("{\"x\":" + nested(100000) + "}");
  REQUIRE_FALSE(undetected.info);
  CHECK(undetected.info.message().find("nested deeper than") != std::string::npos);
}

TEST_CASE("numbers: one exact conversion for both parsers")
{
  auto integer = relgate::convert_json_number("9007199254740993");
  REQUIRE(integer);
  CHECK(integer->integer == int64_t{9007199254740993});
  auto tiny = relgate::convert_json_number("128.7483646783648483836483648364363648e-336");
  REQUIRE(tiny);
  CHECK_FALSE(tiny->integer);
  CHECK(tiny->value < 1e-300);
  CHECK_FALSE(relgate::convert_json_number("1e999"));
  CHECK(relgate::convert_json_number("1e999").message().find("too large") != std::string::npos);
  CHECK_FALSE(relgate::convert_json_number("nan"));
  CHECK_FALSE(relgate::convert_json_number(""));

  auto long_mantissa = read_text(trivy_report(
      "{\"Target\":\"a\",\"Vulnerabilities\":[" +
      trivy_vuln("CVE-1", "p", "1", "HIGH", "\"CVSS\":{\"nvd\":{\"V3Score\":7." + std::string(5000, '1') + "}}") +
      "]}"));
  REQUIRE(long_mantissa.info);
  REQUIRE(long_mantissa.findings.size() == 1);
  CHECK(long_mantissa.findings[0].cvss == doctest::Approx(7.111111));

  // Integers are read from integers only (a cast of 1e300 to int64 is undefined behaviour).
  for (const char *version : {"2.5", "1e300", "-1e300", "\"2\""}) {
    auto report = read_text(std::string("{\"SchemaVersion\":") + version + ",\"Results\":[]}");
    CHECK_FALSE(report.info);
  }
  CHECK(read_text("{\"SchemaVersion\":2,\"Results\":[]}").info);
}

TEST_CASE("duplicate keys are refused in small and large objects, nested or not")
{
  auto top = read_text(R"({"SchemaVersion":2,"Results":[],"Results":[]})");
  REQUIRE_FALSE(top.info);
  CHECK(top.info.message().find("duplicate key \"Results\"") != std::string::npos);

  // Past the linear-search size an object is indexed: the duplicate is still found.
  std::string big = "{\"SchemaVersion\":2,\"Results\":[],\"x\":{";
  for (int i = 0; i < 1000; ++i)
    big += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  std::string unique_big = big + "\"end\":0}}";
  CHECK(read_text(unique_big).info);
  auto duplicate_big = read_text(big + "\"k500\":1}}");
  REQUIRE_FALSE(duplicate_big.info);
  CHECK(duplicate_big.info.message().find("duplicate key \"k500\"") != std::string::npos);

  // Keys are told apart by their first 8 bytes and length first: same prefix and length but a
  // different tail is no duplicate; the same tail is, also for short, empty and escaped keys.
  CHECK(read_text(R"({"SchemaVersion":2,"Results":[],"VulnerabilityID":1,"VulnerabilityIX":2})").info);
  CHECK_FALSE(read_text(R"({"SchemaVersion":2,"Results":[],"VulnerabilityID":1,"VulnerabilityID":2})").info);
  CHECK_FALSE(read_text(R"({"SchemaVersion":2,"Results":[],"x":{"a":1,"b":2,"a":3}})").info);
  CHECK_FALSE(read_text(R"({"SchemaVersion":2,"Results":[],"x":{"":1,"":2}})").info);
  CHECK_FALSE(read_text(R"({"SchemaVersion":2,"Results":[],"x":{"ab":1,"\u0061b":2}})").info);
  CHECK(read_text(R"({"SchemaVersion":2,"Results":[],"x":{"":1,"\u0000":2,"a":3,"a\u0000":4}})").info);
  // Many keys that share one filter bit still compare whole.
  std::string crowded = "{\"SchemaVersion\":2,\"Results\":[],\"x\":{";
  for (int i = 0; i < 30; ++i)
    crowded += "\"key-" + std::to_string(i) + "-with-a-long-tail\":" + std::to_string(i) + ",";
  CHECK(read_text(crowded + "\"end\":0}}").info);
  CHECK_FALSE(read_text(crowded + "\"key-7-with-a-long-tail\":0}}").info);

  // The same key in sibling objects, or at different levels, is fine.
  CHECK(read_text(trivy_report("{\"Target\":\"a\",\"Vulnerabilities\":[" + trivy_vuln("CVE-1", "p", "1", "HIGH") + "," +
                               trivy_vuln("CVE-2", "p", "1", "LOW") + "]}"))
            .info);
  CHECK(read_text(R"({"SchemaVersion":2,"Results":[],"x":{"Results":{"Results":1}}})").info);
}

TEST_CASE("digest claims: image references, bare digests, pkg:oci purls; everything else is malformed")
{
  const std::string hex(64, 'a');
  auto parse = [](const std::string &text) { return claimed_digest(DigestClaim{"f", text}); };
  CHECK(parse("ghcr.io/acme/app@sha256:" + hex));
  CHECK(parse("sha256:" + hex));
  CHECK(parse("pkg:oci/app@sha256%3A" + hex + "?repository_url=ghcr.io%2Facme%2Fapp"));
  CHECK(parse("pkg:oci/app@sha256%3A" + hex)->str() == "sha256:" + hex);
  CHECK_FALSE(parse("ghcr.io/acme/app@sha256:abc"));
  CHECK_FALSE(parse("ghcr.io/acme/app:1.0"));
  CHECK_FALSE(parse("ghcr.io/acme/app@sha256:" + std::string(64, 'A')));
  CHECK_FALSE(parse("ghcr.io/acme/app@sha512:" + std::string(128, 'a')));
  CHECK_FALSE(parse("pkg:oci/app@latest"));

  auto subject = *relgate::parse_digest("sha256:" + hex);
  BoundReport none{"r.json", ReportFormat::trivy, {}};
  CHECK_FALSE(bind_report_to_subject(none, subject));
  CHECK(check_unbound_report(none, subject));
  // An image has several digests (index and platform manifest): naming the subject among them binds.
  BoundReport both{"r.json",
                   ReportFormat::grype,
                   {{"source.target.manifestDigest", "sha256:" + std::string(64, 'b')},
                    {"source.target.repoDigests[0]", "app@sha256:" + hex}}};
  CHECK(bind_report_to_subject(both, subject));
  BoundReport bad{"r.json", ReportFormat::grype, {{"x", "sha256:" + hex}, {"y", "junk@sha256:1"}}};
  CHECK_FALSE(bind_report_to_subject(bad, subject));
}

TEST_CASE("every format's reader collects the digest claims")
{
  const std::string digest = "sha256:" + std::string(64, 'c');
  auto trivy = read_text(R"({"SchemaVersion":2,"ArtifactName":"app@)" + digest +
                         R"(","Metadata":{"RepoDigests":["app@)" + digest + R"("]},"Results":[]})");
  REQUIRE(trivy.info);
  CHECK(trivy.info->digest_claims.size() == 2);
  CHECK(trivy.info->artifact_digest == digest);
  auto grype =
      read_text(R"({"matches":[],"source":{"type":"image","target":{"userInput":"app:1","repoDigests":["app@)" +
                digest + R"("],"manifestDigest":")" + digest + R"("}}})");
  REQUIRE(grype.info);
  CHECK(grype.info->digest_claims.size() == 2);
  auto cdx = read_text(R"({"bomFormat":"CycloneDX","vulnerabilities":[],"metadata":{"component":{"name":"app",
      "hashes":[{"alg":"SHA-256","content":")" +
                       std::string(64, 'C') + R"("}],
      "properties":[{"name":"aquasecurity:trivy:RepoDigest","value":"app@)" +
                       digest + R"("},{"name":"aquasecurity:trivy:ImageID","value":"sha256:00"}]}}})");
  REQUIRE(cdx.info);
  REQUIRE(cdx.info->digest_claims.size() == 2);
  CHECK(cdx.info->digest_claims[0].text == digest); // upper-case hex folded
  auto sarif = read_text(R"({"version":"2.1.0","runs":[{"results":[],"properties":{"repoDigests":["app@)" + digest +
                         R"("]}}]})");
  REQUIRE(sarif.info);
  REQUIRE(sarif.info->digest_claims.size() == 1);
  CHECK(sarif.info->digest_claims[0].field == "runs[0].properties.repoDigests[0]");
}

TEST_CASE("a report path must be a regular file under the cap")
{
  const char *tmp = std::getenv("RELGATE_TEST_TMP");
  std::string dir = std::string(tmp ? tmp : "/tmp") + "/scan-unit-inputs";
  std::filesystem::create_directories(dir);
  std::string fifo = dir + "/report.fifo";
  ::unlink(fifo.c_str());
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto from_fifo = read_report_file(fifo, std::nullopt, [](const Finding &) {}); // must not block
  REQUIRE_FALSE(from_fifo);
  CHECK(from_fifo.message().find("not a regular file") != std::string::npos);
  auto from_dir = read_report_file(dir, std::nullopt, [](const Finding &) {});
  CHECK_FALSE(from_dir);
  ::unlink(fifo.c_str());
}

TEST_CASE("SARIF security-severity that is not a score 0..10 is refused, not read as absent")
{
  auto sarif = [](const std::string &score) {
    return read_text(R"({"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"R1",
        "properties":{"security-severity":)" +
                     score + R"(}}]}},"results":[{"ruleId":"R1","level":"note"}]}]})");
  };
  for (const char *bad : {"\"nan\"", "\"inf\"", "\"1e999\"", "\"-3\"", "11", "\"high\"", "true"}) {
    CAPTURE(bad);
    auto report = sarif(bad);
    REQUIRE_FALSE(report.info);
    CHECK(report.info.message().find("security-severity must be a score from 0 to 10") != std::string::npos);
  }
  auto good = sarif("\"9.5\"");
  REQUIRE(good.info);
  REQUIRE(good.findings.size() == 1);
  CHECK(good.findings[0].severity == Severity::critical);
  CHECK(sarif("null").info);
}

TEST_CASE("an object with more keys than any report has is refused (the duplicate index stays bounded)")
{
  std::string wide = "{\"SchemaVersion\":2,\"Results\":[],\"x\":{";
  for (std::size_t i = 0; i <= max_object_keys; ++i)
    wide += "\"" + std::to_string(i) + "\":0,";
  wide.back() = '}';
  wide += "}";
  auto report = read_text(wide);
  REQUIRE_FALSE(report.info);
  CHECK(report.info.message().find("an object with more than 100000 keys") != std::string::npos);
}
