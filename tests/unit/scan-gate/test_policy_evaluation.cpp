#include "epss.hpp"
#include "evaluation.hpp"
#include "finding_set.hpp"
#include "kev.hpp"
#include "scan_policy.hpp"
#include "scan_test_helpers.hpp"
#include "vex.hpp"

#include <doctest/doctest.h>

#include <cstdio>

using namespace relgate::scan;

namespace
{

ScanPolicy policy_from(const std::string &text)
{
  auto policy = load_scan_policy_text(text, "scan.toml");
  REQUIRE_MESSAGE(policy, (policy ? "" : policy.message()));
  return *policy;
}

relgate::TimePoint at(const char *date)
{
  return *relgate::parse_rfc3339(date);
}

Evaluation run(const FindingSet &set, const ScanPolicy &policy, EvaluationInputs inputs = {})
{
  if (inputs.now == relgate::TimePoint{})
    inputs.now = at("2026-02-11T00:00:00Z");
  return evaluate(set, policy, inputs);
}

} // namespace

TEST_CASE("merge: once per (id, package, version) across targets and reports, worst severity, known fix")
{
  FindingSet set;
  Finding a = scan_test::finding("CVE-1", "musl", "1.1", Severity::medium, FixState::unknown);
  a.fixed_version.clear();
  a.target = "layer-1";
  Finding b = scan_test::finding("CVE-1", "musl", "1.1", Severity::high, FixState::fixed);
  b.target = "layer-2";
  b.aliases = {"GHSA-1"};
  set.add(a, 0);
  set.add(b, 1);
  set.add(scan_test::finding("CVE-1", "musl", "1.2", Severity::low), 0);       // another version
  set.add(scan_test::finding("CVE-1", "musl-utils", "1.1", Severity::low), 0); // another package
  REQUIRE(set.size() == 3);
  CHECK(set.records_added() == 4);
  const Finding merged = set.at(0);
  CHECK(merged.severity == Severity::high);
  CHECK(merged.fix == FixState::fixed);
  CHECK(merged.fixed_version == "1.1-fix");
  CHECK(merged.occurrences == 2);
  CHECK(merged.target == "layer-1");
  CHECK(merged.aliases == std::vector<std::string>{"GHSA-1"});
}

TEST_CASE("[max] alone: counts per severity, no limit when left out, nothing else denies")
{
  FindingSet set;
  set.add(scan_test::finding("CVE-1", "a", "1", Severity::critical), 0);
  set.add(scan_test::finding("CVE-2", "b", "1", Severity::high), 0);
  set.add(scan_test::finding("CVE-3", "c", "1", Severity::high), 0);
  set.add(scan_test::finding("CVE-4", "d", "1", Severity::unknown, FixState::not_fixed), 0);
  Finding kev = scan_test::finding("CVE-5", "e", "1", Severity::low);
  kev.kev_in_report = true;
  kev.cvss = 10.0;
  set.add(kev, 0);

  auto allow = run(set, policy_from("version = 1\n[max]\ncritical = 1\nhigh = 2\n"));
  CHECK(allow.allowed());
  CHECK(allow.counts[0].counted == 1);
  CHECK(allow.counts[0].limit == 1);
  CHECK_FALSE(allow.counts[2].limit.has_value());

  auto deny = run(set, policy_from("version = 1\n[max]\nhigh = 1\n"));
  REQUIRE_FALSE(deny.allowed());
  REQUIRE(deny.reasons.size() == 1);
  CHECK(deny.reasons[0].find("2 high findings counted, policy allows 1") == 0);
  REQUIRE(deny.denying.size() == 2);
  CHECK(deny.denying[0].why[0] == "high over its limit (2 counted, max 1)");
}

TEST_CASE("a policy that matches nothing by name judges on the facts and still names its findings")
{
  // evaluate() loads only a finding's facts when no input or rule matches by name; the same
  // findings judged with their texts loaded (an empty KEV catalogue forces it) must come out the same.
  FindingSet set;
  set.add(scan_test::finding("CVE-1", "a", "1", Severity::critical), 0);
  set.add(scan_test::finding("CVE-2", "b", "2", Severity::high), 0);
  Finding unknown = scan_test::finding("GHSA-3", "c", "3", Severity::unknown, FixState::not_fixed);
  unknown.aliases = {"CVE-3"};
  unknown.cvss = 9.8;
  set.add(unknown, 0);
  Finding vex = scan_test::finding("CVE-4", "d", "4", Severity::critical);
  vex.inline_vex = "Trivy Status not_affected";
  set.add(vex, 0);
  const ScanPolicy policy =
      policy_from("version = 1\n[max]\ncritical = 0\nhigh = 0\n[deny]\ncvss = 9.0\nunknown_severity = true\n");
  KevCatalog empty_kev;
  EvaluationInputs with_texts;
  with_texts.kev = &empty_kev;
  with_texts.kev_label = "CISA KEV";

  const Evaluation facts = run(set, policy);
  const Evaluation texts = run(set, policy, with_texts);
  CHECK(facts.reasons == texts.reasons);
  REQUIRE(facts.reasons.size() == 4);
  CHECK(facts.reasons[0].find("CVE-1 in a 1 -> 1-fix") != std::string::npos);
  CHECK(facts.reasons[1].find("CVE-2 in b 2 -> 2-fix") != std::string::npos);
  CHECK(facts.reasons[2].find("GHSA-3 in c 3") != std::string::npos);
  REQUIRE(facts.denying.size() == texts.denying.size());
  for (std::size_t i = 0; i < facts.denying.size(); ++i) {
    CHECK(facts.denying[i].finding->id == texts.denying[i].finding->id);
    CHECK(facts.denying[i].finding->aliases == texts.denying[i].finding->aliases);
    CHECK(facts.denying[i].why == texts.denying[i].why);
  }
  REQUIRE(facts.suppressed.size() == 1);
  CHECK(facts.suppressed[0].finding->id == "CVE-4");
  CHECK(facts.suppressed[0].finding->package == "d");
  CHECK(facts.suppressed[0].suppressed_by == "Trivy Status not_affected");

  // load_facts leaves the texts empty and every fact as load gives it.
  Finding whole;
  Finding bare;
  set.load(2, whole);
  set.load_facts(2, bare);
  CHECK(bare.id.empty());
  CHECK(bare.aliases.empty());
  CHECK(bare.package.empty());
  CHECK(bare.fixed_version.empty());
  CHECK(bare.severity == whole.severity);
  CHECK(bare.fix == whole.fix);
  CHECK(bare.cvss == whole.cvss);
  CHECK(bare.occurrences == whole.occurrences);
}

TEST_CASE("policy loading is strict")
{
  CHECK_FALSE(load_scan_policy_text("version = 1\n[max]\ncritcal = 0\n", "scan.toml"));
  CHECK_FALSE(load_scan_policy_text("version = 1\n[max]\ncritical = -1\n", "scan.toml"));
  CHECK_FALSE(load_scan_policy_text("version = 2\n", "scan.toml"));
  CHECK_FALSE(load_scan_policy_text("version = 1\nonly_fixable = true\n", "scan.toml"));
  auto no_reason = load_scan_policy_text("version = 1\n[[allow]]\nid = \"CVE-1\"\n", "scan.toml");
  REQUIRE_FALSE(no_reason);
  CHECK(no_reason.message().find("reason is required") != std::string::npos);
  auto both = load_scan_policy_text(
      "version = 1\n[deny]\nids = [\"CVE-1\"]\n[[allow]]\nid = \"CVE-1\"\nreason = \"x\"\n", "scan.toml");
  REQUIRE_FALSE(both);
  CHECK(both.message().find("both in [deny] ids and in [[allow]]") != std::string::npos);
  auto full = policy_from("version = 1\n[max]\ncritical = 0\n[count]\nonly_fixable = true\n"
                          "[deny]\nkev = true\nepss = 0.5\ncvss = 9\nunknown_severity = true\nids = [\"CVE-9\"]\n");
  CHECK(full.only_fixable);
  CHECK(full.deny_kev);
  CHECK(full.epss_above == doctest::Approx(0.5));
  CHECK(full.cvss_at_least == doctest::Approx(9.0));
  CHECK(full.deny_unknown_severity);
}

TEST_CASE("only_fixable counts findings with a fix only")
{
  FindingSet set;
  set.add(scan_test::finding("CVE-1", "a", "1", Severity::critical, FixState::not_fixed), 0);
  set.add(scan_test::finding("CVE-2", "b", "1", Severity::critical, FixState::wont_fix), 0);
  auto e = run(set, policy_from("version = 1\n[max]\ncritical = 0\n[count]\nonly_fixable = true\n"));
  CHECK(e.allowed());
  CHECK(e.counts[0].found == 2);
  CHECK(e.counts[0].counted == 0);
  set.add(scan_test::finding("CVE-3", "c", "1", Severity::critical, FixState::fixed), 0);
  CHECK_FALSE(run(set, policy_from("version = 1\n[max]\ncritical = 0\n[count]\nonly_fixable = true\n")).allowed());
}

TEST_CASE("allow-list: id with aliases, optional package, expiry; expired or unparsable entries deny")
{
  FindingSet set;
  Finding ghsa = scan_test::finding("GHSA-1", "lodash", "4.0.0", Severity::critical);
  ghsa.aliases = {"CVE-2019-10744"};
  ghsa.purl = "pkg:npm/lodash@4.0.0";
  set.add(ghsa, 0);
  std::string head = "version = 1\n[max]\ncritical = 0\n";

  auto current =
      run(set, policy_from(head + "[[allow]]\nid = \"CVE-2019-10744\"\nreason = \"prototype pollution not reachable\"\n"
                                  "expires = \"2026-06-30\"\n"));
  CHECK(current.allowed());
  CHECK(current.counts[0].suppressed == 1);
  REQUIRE(current.suppressed.size() == 1);
  CHECK(current.suppressed[0].suppressed_by == "[[allow]] entry 1: prototype pollution not reachable");

  auto other_package =
      run(set, policy_from(head + "[[allow]]\nid = \"GHSA-1\"\npackage = \"underscore\"\nreason = \"r\"\n"));
  CHECK_FALSE(other_package.allowed());
  auto by_purl =
      run(set, policy_from(head + "[[allow]]\nid = \"GHSA-1\"\npackage = \"pkg:npm/lodash\"\nreason = \"r\"\n"));
  CHECK(by_purl.allowed());

  auto expired = run(set, policy_from(head + "[[allow]]\nid = \"GHSA-1\"\nreason = \"r\"\nexpires = \"2026-01-31\"\n"));
  REQUIRE_FALSE(expired.allowed());
  bool names_expiry = false;
  for (const auto &reason : expired.reasons)
    names_expiry = names_expiry || reason.find("expired on 2026-01-31") != std::string::npos;
  CHECK(names_expiry);
  CHECK(expired.counts[0].counted == 1); // the expired entry suppresses nothing

  // An unused but unparsable entry still denies: it is never skipped silently.
  auto garbled = run(set, policy_from(head + "[[allow]]\nid = \"GHSA-1\"\nreason = \"r\"\n"
                                             "[[allow]]\nid = \"CVE-0\"\nreason = \"r\"\nexpires = \"next year\"\n"));
  REQUIRE(garbled.reasons.size() == 1);
  CHECK(garbled.reasons[0].find("expires 'next year' is not a date") != std::string::npos);
}

TEST_CASE("deny rules: KEV (by alias), EPSS, CVSS, ids, unknown severity")
{
  FindingSet set;
  Finding ghsa = scan_test::finding("GHSA-1", "log4j-core", "2.14.1", Severity::low);
  ghsa.aliases = {"CVE-2021-44228"};
  ghsa.cvss = 10.0;
  set.add(ghsa, 0);
  set.add(scan_test::finding("CVE-2020-0001", "x", "1", Severity::unknown), 0);
  KevCatalog kev;
  kev.catalog_version = "2025.08.25";
  kev.by_cve["CVE-2021-44228"] = KevEntry{"2021-12-10", "2021-12-24", true};
  EpssScores epss;
  epss.by_cve["CVE-2020-0001"] = EpssScore{0.61, 0.98};
  EvaluationInputs inputs;
  inputs.kev = &kev;
  inputs.kev_label = "CISA KEV 2025.08.25";
  inputs.epss = &epss;

  auto none = run(set, policy_from("version = 1\n"), inputs);
  CHECK(none.allowed());
  CHECK(none.kev_matches == 1);

  auto e = run(set,
               policy_from("version = 1\n[deny]\nkev = true\nepss = 0.5\ncvss = 9.0\nunknown_severity = true\n"
                           "ids = [\"CVE-2021-44228\"]\n"),
               inputs);
  REQUIRE(e.reasons.size() == 5);
  CHECK(e.reasons[0].find("is in CISA KEV 2025.08.25") != std::string::npos);
  CHECK(e.reasons[1].find("EPSS above 0.5000") != std::string::npos);
  CHECK(e.reasons[2].find("CVSS >= 9.0") != std::string::npos);
  CHECK(e.reasons[3].find("[deny] ids") != std::string::npos);
  CHECK(e.reasons[4].find("unknown severity") != std::string::npos);
  REQUIRE(e.denying.size() == 2);
  CHECK(e.denying[0].finding->id == "GHSA-1");
  CHECK(e.denying[0].why[0] == "in CISA KEV 2025.08.25 (added 2021-12-10)");
  CHECK(e.denying[1].epss == doctest::Approx(0.61));
}

TEST_CASE("OpenVEX: version-less product purls, subcomponents, aliases, later statements win")
{
  VexSet vex;
  auto added = vex.add_document(R"({"@context":"https://openvex.dev/ns/v0.2.0","statements":[
    {"vulnerability":{"name":"GO-2024-2575","aliases":["CVE-2024-26147"]},
     "products":[{"@id":"pkg:golang/github.com/aquasecurity/trivy","subcomponents":[{"@id":"pkg:golang/helm.sh/helm/v3"}]}],
     "status":"not_affected","justification":"vulnerable_code_not_in_execute_path"},
    {"vulnerability":{"name":"CVE-2024-1"},"products":[{"@id":"pkg:npm/a@1.0.0"}],"status":"not_affected",
     "impact_statement":"not called"},
    {"vulnerability":{"name":"CVE-2024-1"},"products":[{"@id":"pkg:npm/a"}],"status":"affected","action_statement":"upgrade"},
    {"vulnerability":{"name":"CVE-2024-2"},"status":"fixed"}]})",
                                "trivy.openvex.json");
  REQUIRE(added);
  CHECK(vex.statement_count() == 3);
  CHECK(vex.ignored_without_products() == 1);

  Finding helm = scan_test::finding("CVE-2024-26147", "helm.sh/helm/v3", "v3.14.1", Severity::high);
  helm.purl = "pkg:golang/helm.sh/helm/v3@v3.14.1";
  const VexStatement *statement = vex.match(helm);
  REQUIRE(statement);
  CHECK(statement->suppresses);
  Finding a = scan_test::finding("CVE-2024-1", "a", "1.0.0", Severity::high);
  a.purl = "pkg:npm/a@1.0.0";
  REQUIRE(vex.match(a));
  CHECK_FALSE(vex.match(a)->suppresses); // the later "affected" statement decides
  Finding other = scan_test::finding("CVE-2024-26147", "helm.sh/helm/v3", "v3.14.1", Severity::high);
  other.purl = "pkg:golang/other/helm/v3@v3.14.1";
  CHECK(vex.match(other) == nullptr);

  VexSet bad;
  auto missing = bad.add_document(R"({"statements":[{"vulnerability":{"name":"CVE-1"},"products":["pkg:npm/a"],
    "status":"not_affected"}]})",
                                  "bad.json");
  REQUIRE_FALSE(missing);
  CHECK(missing.message().find("needs a justification") != std::string::npos);
}

TEST_CASE("CycloneDX VEX: analysis states and bom-link refs")
{
  VexSet vex;
  auto added = vex.add_document(R"({"bomFormat":"CycloneDX","specVersion":"1.5",
    "components":[{"bom-ref":"comp-1","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
    "vulnerabilities":[{"id":"CVE-2021-44228","analysis":{"state":"not_affected","justification":"code_not_reachable"},
      "affects":[{"ref":"urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#comp-1"}]},
     {"id":"CVE-2021-45046","analysis":{"state":"exploitable"},"affects":[{"ref":"comp-1"}]}]})",
                                "vex.cdx.json");
  REQUIRE(added);
  Finding log4j = scan_test::finding("CVE-2021-44228", "log4j-core", "2.14.1", Severity::critical);
  log4j.purl = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";
  REQUIRE(vex.match(log4j));
  CHECK(vex.match(log4j)->suppresses);
  log4j.id = "CVE-2021-45046";
  REQUIRE(vex.match(log4j));
  CHECK_FALSE(vex.match(log4j)->suppresses);
}

TEST_CASE("KEV catalogue parsing is strict")
{
  auto kev = parse_kev(R"({"catalogVersion":"2025.08.25","dateReleased":"2025-08-25T17:04:19Z","vulnerabilities":[
    {"cveID":"CVE-2021-44228","dateAdded":"2021-12-10","knownRansomwareCampaignUse":"Known"}]})",
                       "kev.json");
  REQUIRE(kev);
  CHECK(kev->catalog_version == "2025.08.25");
  REQUIRE(kev->find("CVE-2021-44228"));
  CHECK(kev->find("CVE-2021-44228")->ransomware);
  CHECK(kev->find("CVE-2021-1") == nullptr);
  CHECK_FALSE(parse_kev(R"({"vulnerabilities":[]})", "kev.json"));
  auto bad_id = parse_kev(R"({"catalogVersion":"1","vulnerabilities":[{"cveID":"GHSA-x"}]})", "kev.json");
  REQUIRE_FALSE(bad_id);
  CHECK(bad_id.message().find("vulnerabilities[0].cveID") != std::string::npos);
}

TEST_CASE("EPSS CSV: model version and date, only wanted rows, errors with line numbers")
{
  std::string csv = "#model_version:v2025.03.14,score_date:2026-05-18T00:00:00Z\ncve,epss,percentile\n"
                    "CVE-1999-0001,0.0046,0.7385\r\nCVE-2021-44228,0.97,0.9999\n";
  std::FILE *file = fmemopen(csv.data(), csv.size(), "r");
  std::unordered_set<std::string> wanted{"CVE-2021-44228"};
  auto scores = read_epss(file, "epss.csv", &wanted);
  std::fclose(file);
  REQUIRE(scores);
  CHECK(scores->model_version == "v2025.03.14");
  CHECK(scores->score_date == "2026-05-18T00:00:00Z");
  CHECK(scores->rows == 2);
  CHECK(scores->by_cve.size() == 1);
  CHECK(scores->find("CVE-2021-44228")->probability == doctest::Approx(0.97));

  std::string bad = "#model_version:v1,score_date:2026-01-01\ncve,epss,percentile\nCVE-1,1.5,0.1\n";
  file = fmemopen(bad.data(), bad.size(), "r");
  auto error = read_epss(file, "epss.csv", nullptr);
  std::fclose(file);
  REQUIRE_FALSE(error);
  CHECK(error.message().find("epss.csv:3:") == 0);

  std::string no_model = "cve,epss,percentile\nCVE-1,0.5,0.1\n";
  file = fmemopen(no_model.data(), no_model.size(), "r");
  auto missing = read_epss(file, "epss.csv", nullptr);
  std::fclose(file);
  REQUIRE_FALSE(missing);
  CHECK(missing.message().find("model_version") != std::string::npos);
}
