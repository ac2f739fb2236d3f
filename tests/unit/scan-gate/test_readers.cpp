#include "digest.hpp"
#include "json_stream.hpp"
#include "scan_test_helpers.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace relgate::scan;
using scan_test::read_text;
using scan_test::trivy_report;
using scan_test::trivy_vuln;

TEST_CASE("Trivy: vulnerabilities, severity, fix state, CVSS, purl and digest")
{
  std::string json = R"({"SchemaVersion":2,"Trivy":{"Version":"0.50.1"},"ArtifactName":"ghcr.io/acme/api:1",
    "Metadata":{"RepoDigests":["ghcr.io/acme/api@sha256:)" +
                     std::string(64, 'a') + R"("]},
    "Results":[{"Target":"api alpine-3.19","Class":"os-pkgs","Vulnerabilities":[
      {"VulnerabilityID":"CVE-2019-1549","PkgName":"libcrypto1.1","InstalledVersion":"1.1.1b-r1",
       "PkgIdentifier":{"PURL":"pkg:apk/alpine/libcrypto1.1@1.1.1b-r1","UID":"3148053bd3cfcabf"},"FixedVersion":"1.1.1d-r2,1.0.2u",
       "Status":"fixed","SeveritySource":"redhat","Severity":"MEDIUM",
       "CVSS":{"nvd":{"V3Score":5.3},"redhat":{"V3Score":4.8}},"Description":"x\"y"},
      {"VulnerabilityID":"CVE-2019-0001","PkgName":"bash","InstalledVersion":"5.0","Severity":"LOW","Status":"will_not_fix"}]}]})";
  auto report = read_text(json);
  REQUIRE(report.info);
  CHECK(report.info->format == ReportFormat::trivy);
  CHECK(report.info->scanner == "trivy 0.50.1");
  CHECK(report.info->artifact_digest == "sha256:" + std::string(64, 'a'));
  CHECK(report.info->sha256 == relgate::sha256_hex(json));
  REQUIRE(report.findings.size() == 2);
  const Finding &first = report.findings[0];
  CHECK(first.id == "CVE-2019-1549");
  CHECK(first.package == "libcrypto1.1");
  CHECK(first.version == "1.1.1b-r1");
  CHECK(first.fixed_version == "1.1.1d-r2, 1.0.2u");
  CHECK(first.fix == FixState::fixed);
  CHECK(first.severity == Severity::medium);
  CHECK(first.cvss == doctest::Approx(4.8)); // the severity source's score
  CHECK(first.purl == "pkg:apk/alpine/libcrypto1.1@1.1.1b-r1");
  CHECK(first.target == "api alpine-3.19");
  CHECK(report.findings[1].fix == FixState::wont_fix);
  CHECK_FALSE(report.findings[1].cvss.has_value());
}

TEST_CASE("Trivy edge reports: empty Results, missing or null Vulnerabilities, unknown severities")
{
  auto empty = read_text(R"({"SchemaVersion":2,"Results":[]})");
  REQUIRE(empty.info);
  CHECK(empty.findings.empty());
  auto no_results = read_text(R"({"SchemaVersion":2,"ArtifactName":"x"})");
  REQUIRE(no_results.info);
  CHECK(no_results.findings.empty());
  auto missing = read_text(trivy_report(R"({"Target":"a","Class":"os-pkgs"},{"Target":"b","Vulnerabilities":null})"));
  REQUIRE(missing.info);
  CHECK(missing.findings.empty());
  auto unknown =
      read_text(trivy_report("{\"Target\":\"a\",\"Vulnerabilities\":[" + trivy_vuln("CVE-1", "p", "1", "SEVERE") + "," +
                             trivy_vuln("CVE-2", "p", "1", "UNKNOWN") + "]}"));
  REQUIRE(unknown.info);
  REQUIRE(unknown.findings.size() == 2);
  CHECK(unknown.findings[0].severity == Severity::unknown);
  CHECK(unknown.info->unrecognised_severities == 1);
  CHECK(unknown.info->first_unrecognised_severity == "SEVERE");
}

TEST_CASE("Trivy misconfigurations (FAIL only) and secrets are findings too")
{
  auto report = read_text(trivy_report(R"({"Target":"Dockerfile","Class":"config","Misconfigurations":[
      {"ID":"DS002","AVDID":"AVD-DS-0002","Severity":"HIGH","Status":"FAIL"},
      {"ID":"DS001","AVDID":"AVD-DS-0001","Severity":"MEDIUM","Status":"PASS"}]},
    {"Target":"app/.env","Class":"secret","Secrets":[{"RuleID":"aws-access-key-id","Severity":"CRITICAL","StartLine":3}]})"));
  REQUIRE(report.info);
  REQUIRE(report.findings.size() == 2);
  CHECK(report.findings[0].id == "AVD-DS-0002");
  CHECK(report.findings[0].kind == FindingKind::misconfiguration);
  CHECK(report.findings[0].package == "Dockerfile");
  CHECK(report.findings[1].kind == FindingKind::secret);
  CHECK(report.findings[1].severity == Severity::critical);
  CHECK(report.findings[1].version == "line 3");
}

TEST_CASE("malformed reports fail with the byte offset and what was expected")
{
  std::string good =
      trivy_report("{\"Target\":\"a\",\"Vulnerabilities\":[" + trivy_vuln("CVE-1", "p", "1", "HIGH") + "]}");
  auto truncated = read_text(good.substr(0, good.size() - 7));
  REQUIRE_FALSE(truncated.info);
  CHECK(truncated.info.message().find("report.json: invalid JSON at byte") == 0);
  CHECK(truncated.info.message().find("truncated") != std::string::npos);
  CHECK(truncated.info.message().find("Trivy") != std::string::npos);

  auto array = read_text(R"([{"SchemaVersion":2}])");
  REQUIRE_FALSE(array.info);
  CHECK(array.info.message().find("byte 0") != std::string::npos); // where the [ is
  CHECK(array.info.message().find("found a JSON array") != std::string::npos);

  auto forced_array = read_text("[]", ReportFormat::trivy);
  REQUIRE_FALSE(forced_array.info);
  CHECK(forced_array.info.message().find("array") != std::string::npos);

  auto schema = read_text(R"({"SchemaVersion":3,"Results":[]})");
  REQUIRE_FALSE(schema.info);
  CHECK(schema.info.message().find("unsupported Trivy SchemaVersion 3") != std::string::npos);

  auto results_object = read_text(R"({"SchemaVersion":2,"Results":{}})");
  REQUIRE_FALSE(results_object.info);
  CHECK(results_object.info.message().find("Results must be an array, found an object") != std::string::npos);

  auto no_id = read_text(trivy_report(R"({"Target":"a","Vulnerabilities":[{"PkgName":"p"}]})"));
  REQUIRE_FALSE(no_id.info);
  CHECK(no_id.info.message().find("Results[0].Vulnerabilities[0]: VulnerabilityID is missing") != std::string::npos);

  auto empty = read_text("");
  REQUIRE_FALSE(empty.info);
  CHECK(empty.info.message().find("empty") != std::string::npos);

  auto unknown = read_text(R"({"foo":1,"bar":[1,2]})");
  REQUIRE_FALSE(unknown.info);
  CHECK(unknown.info.message().find("unknown report format (top-level keys: foo, bar)") != std::string::npos);

  auto vex = read_text(R"({"@context":"https://openvex.dev/ns/v0.2.0","statements":[]})");
  REQUIRE_FALSE(vex.info);
  CHECK(vex.info.message().find("--vex") != std::string::npos);

  auto nul = read_text(std::string("{\"SchemaVersion\":2}\0 junk", 25));
  REQUIRE_FALSE(nul.info);
}

TEST_CASE("a UTF-8 byte order mark is skipped; UTF-16 text is refused with a hint")
{
  auto bom = read_text("\xEF\xBB\xBF" + trivy_report("{\"Target\":\"a\",\"Vulnerabilities\":[" +
                                                     trivy_vuln("CVE-1", "p", "1", "HIGH") + "]}"));
  REQUIRE(bom.info);
  CHECK(bom.findings.size() == 1);
  auto utf16 = read_text(std::string("\xFF\xFE{\0\"\0", 6));
  REQUIRE_FALSE(utf16.info);
  CHECK(utf16.info.message().find("UTF-16") != std::string::npos);
}

TEST_CASE("Grype: primary severity, related ids as aliases, fix, CVSS, KEV and EPSS fields")
{
  auto report = read_text(R"({"matches":[{"vulnerability":{"id":"GHSA-aaaa-bbbb-cccc","severity":"Critical",
      "fix":{"versions":["4.2.2","5.0.0"],"state":"fixed"},"cvss":[{"version":"2.0","metrics":{"baseScore":10.0}},
      {"version":"3.1","metrics":{"baseScore":9.8}}],"knownExploited":[{"cve":"CVE-2015-9235"}],
      "epss":[{"cve":"CVE-2015-9235","epss":0.42}]},
    "relatedVulnerabilities":[{"id":"CVE-2015-9235","severity":"High","cvss":[]}],
    "artifact":{"name":"jsonwebtoken","version":"0.1.0","purl":"pkg:npm/jsonwebtoken@0.1.0",
      "locations":[{"path":"/app/node_modules/jsonwebtoken/package.json","layerID":"sha256:1"}]}},
   {"vulnerability":{"id":"CVE-2007-6755","severity":"Negligible","fix":{"versions":[],"state":"not-fixed"},"cvss":[]},
    "relatedVulnerabilities":[{"id":"CVE-2007-6755","severity":"Medium","cvss":[{"version":"2.0","metrics":{"baseScore":5.8}}]}],
    "artifact":{"name":"libssl1.1","version":"1.1.1n"}}],
   "source":{"type":"image","target":{"userInput":"juice-shop","repoDigests":[]}},
   "descriptor":{"name":"grype","version":"0.64.2"}})");
  REQUIRE(report.info);
  CHECK(report.info->format == ReportFormat::grype);
  CHECK(report.info->scanner == "grype 0.64.2");
  CHECK_FALSE(report.info->artifact_digest.has_value());
  REQUIRE(report.findings.size() == 2);
  const Finding &jwt = report.findings[0];
  CHECK(jwt.severity == Severity::critical); // the primary record's, not the related High
  CHECK(jwt.aliases == std::vector<std::string>{"CVE-2015-9235"});
  CHECK(jwt.fixed_version == "4.2.2, 5.0.0");
  CHECK(jwt.cvss == doctest::Approx(9.8)); // v3 outranks v2
  CHECK(jwt.kev_in_report);
  CHECK(jwt.epss_in_report == doctest::Approx(0.42));
  CHECK(jwt.target == "/app/node_modules/jsonwebtoken/package.json");
  const Finding &ssl = report.findings[1];
  CHECK(ssl.severity == Severity::negligible);
  CHECK(ssl.fix == FixState::not_fixed);
  CHECK(ssl.aliases.empty());              // the same id is not an alias
  CHECK(ssl.cvss == doctest::Approx(5.8)); // from the related record when the primary has none
}

TEST_CASE("SARIF: security-severity, level fallbacks, kinds, rules after results, Trivy messages")
{
  auto report = read_text(R"({"version":"2.1.0","runs":[{"results":[
      {"ruleId":"CVE-1","level":"warning","message":{"text":"Package: musl\nInstalled Version: 1.1\nFixed Version: 1.2"},
       "locations":[{"physicalLocation":{"artifactLocation":{"uri":"img.tar"}}}]},
      {"ruleIndex":1,"message":{"text":"no package"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"src/a.c"}}}]},
      {"ruleId":"R3","kind":"pass","message":{"text":"ok"}},
      {"ruleId":"R4","level":"none","message":{"text":"ok"}},
      {"ruleId":"R5","level":"note","message":{"text":"n"}}],
     "tool":{"driver":{"name":"Trivy","rules":[{"id":"CVE-1","properties":{"security-severity":"9.1","precision":"very-high"}},
        {"id":"R2","defaultConfiguration":{"level":"error"}}]}}}]})");
  REQUIRE(report.info);
  CHECK(report.info->format == ReportFormat::sarif);
  REQUIRE(report.findings.size() == 3);
  CHECK(report.findings[0].severity == Severity::critical);
  CHECK(report.findings[0].package == "musl");
  CHECK(report.findings[0].version == "1.1");
  CHECK(report.findings[0].fix == FixState::fixed);
  CHECK(report.findings[1].id == "R2");
  CHECK(report.findings[1].severity == Severity::high); // rule default level error
  CHECK(report.findings[1].package == "src/a.c");
  CHECK(report.findings[2].severity == Severity::low);

  auto no_rule = read_text(
      R"({"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x"}},"results":[{"message":{"text":"?"}}]}]})");
  REQUIRE_FALSE(no_rule.info);
  CHECK(no_rule.info.message().find("runs[0].results[0]") != std::string::npos);
}

TEST_CASE("CycloneDX: components after vulnerabilities, the source's own rating, inline analysis")
{
  auto report = read_text(R"({"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[
      {"id":"CVE-2019-11358","source":{"name":"ghsa","url":"https://github.com/advisories"},"ratings":[{"source":{"name":"nvd"},"score":6.1,"severity":"high","method":"CVSSv31"},
        {"source":{"name":"ghsa"},"severity":"medium"}],"recommendation":"Upgrade jquery to version 3.4.0",
       "affects":[{"ref":"ref-jquery"}]},
      {"id":"CVE-2020-1","ratings":[{"severity":"low"},{"severity":"critical"}],"affects":[{"ref":"pkg:npm/lodash@4.0.0"}],
       "analysis":{"state":"not_affected","justification":"code_not_reachable"}}],
    "components":[{"bom-ref":"ref-jquery","name":"jquery","version":"3.3.9","purl":"pkg:npm/jquery@3.3.9"}]})");
  REQUIRE(report.info);
  CHECK(report.info->format == ReportFormat::cyclonedx);
  REQUIRE(report.findings.size() == 2);
  CHECK(report.findings[0].package == "jquery");
  CHECK(report.findings[0].version == "3.3.9");
  CHECK(report.findings[0].severity == Severity::medium);
  CHECK(report.findings[0].fixed_version == "3.4.0");
  CHECK(report.findings[0].cvss == doctest::Approx(6.1));
  CHECK(report.findings[1].package == "lodash");
  CHECK(report.findings[1].severity == Severity::critical); // no own source: the worst rating
  CHECK(report.findings[1].inline_vex.find("not_affected") != std::string::npos);
}

TEST_CASE("a mapped file whose size is a whole number of pages parses and hashes correctly")
{
  std::string body =
      trivy_report("{\"Target\":\"a\",\"Vulnerabilities\":[" + trivy_vuln("CVE-1", "p", "1", "HIGH") + "]}");
  std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  body += std::string(2 * page - body.size(), ' ');
  REQUIRE(body.size() % page == 0);
  const char *tmp = std::getenv("RELGATE_TEST_TMP");
  std::string dir = tmp ? tmp : "/tmp";
  std::string path = dir + "/page-sized-report.json";
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(path, std::ios::binary);
    out << body;
  }
  std::vector<Finding> findings;
  auto info = read_report_file(path, std::nullopt, [&](const Finding &f) { findings.push_back(f); });
  REQUIRE(info);
  CHECK(findings.size() == 1);
  CHECK(info->sha256 == relgate::sha256_hex(body));
  CHECK(info->bytes == body.size());
  std::remove(path.c_str());

  auto missing = read_report_file(dir + "/does-not-exist.json", std::nullopt, [](const Finding &) {});
  REQUIRE_FALSE(missing);
  CHECK(missing.message().find("cannot open report") != std::string::npos);
}

TEST_CASE("a report larger than the release interval keeps its hash exact")
{
  std::string vulns;
  for (int i = 0; vulns.size() < release_interval + 100000; ++i) {
    if (i)
      vulns += ",";
    vulns += trivy_vuln("CVE-2020-" + std::to_string(10000 + i), "pkg", "1", "LOW",
                        "\"Description\":\"" + std::string(400, 'd') + "\"");
  }
  std::string body = trivy_report("{\"Target\":\"a\",\"Vulnerabilities\":[" + vulns + "]}");
  const char *tmp = std::getenv("RELGATE_TEST_TMP");
  std::string dir = tmp ? tmp : "/tmp";
  std::filesystem::create_directories(dir);
  std::string path = dir + "/large-report.json";
  {
    std::ofstream out(path, std::ios::binary);
    out << body;
  }
  std::size_t count = 0;
  auto info = read_report_file(path, std::nullopt, [&](const Finding &) { ++count; });
  REQUIRE(info);
  CHECK(count > release_interval / 1000); // records of ~500 bytes: the walk crossed the interval
  CHECK(info->sha256 == relgate::sha256_hex(body));
  std::remove(path.c_str());
}

TEST_CASE("Trivy: the prefetch hint comes once per record, after its id, package and version, in any key order")
{
  // The hint only lets the finding set fetch memory early; a record must still be delivered whole.
  const std::string json = trivy_report(R"({"Target":"t","Vulnerabilities":[
      {"VulnerabilityID":"CVE-1","PkgName":"a","InstalledVersion":"1","Severity":"LOW"},
      {"InstalledVersion":"2","Severity":"HIGH","PkgName":"b","VulnerabilityID":"CVE-2"},
      {"VulnerabilityID":"CVE-3","PkgName":"c","Severity":"LOW"}]})");
  std::vector<Finding> hinted;
  std::vector<Finding> added;
  const FindingSink sink([&](const Finding &f) { added.push_back(f); }, [&](const Finding &f) { hinted.push_back(f); });
  const auto info = read_report_bytes(json, "r.json", std::nullopt, sink);
  REQUIRE(info);
  REQUIRE(added.size() == 3);
  REQUIRE(hinted.size() == 2); // the third record has no version
  CHECK(hinted[0].id == "CVE-1");
  CHECK(hinted[0].version == "1");
  CHECK(hinted[1].id == "CVE-2");
  CHECK(hinted[1].package == "b");
  CHECK(hinted[1].version == "2");
  CHECK(added[1].severity == Severity::high);
}
