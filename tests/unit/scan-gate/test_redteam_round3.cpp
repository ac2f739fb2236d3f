// Red team of round three of issue 13's scan-gate work: convert_json_number's one-pass grammar
// check (a2986cd), evaluate() judging on a finding's facts when no input matches by name
// (5a73753), and the dedup index hashed from the three key texts with a prefetch hint from the
// Trivy reader (572b354). Each case compares with a reference: the replaced two-scan conversion,
// the same evaluation with texts forced on, a std::set of the key texts.
#include "epss.hpp"
#include "evaluation.hpp"
#include "finding_set.hpp"
#include "json.hpp"
#include "kev.hpp"
#include "report_reader.hpp"
#include "scan_policy.hpp"
#include "scan_test_helpers.hpp"
#include "time_util.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

using namespace relgate;
using namespace relgate::scan;

namespace redteam3
{

// convert_json_number as it was before a2986cd (find_first_not_of / find_first_of), copied as the
// reference; short_decimal is unchanged and copied with it.
std::optional<double> old_short_decimal(std::string_view raw)
{
  static constexpr double powers_of_ten[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                             1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const bool negative = raw[0] == '-';
  uint64_t mantissa = 0;
  int digits = 0;
  int fraction_digits = -1;
  for (std::size_t at = negative ? 1 : 0; at < raw.size(); ++at) {
    const char c = raw[at];
    if (c == '.' && fraction_digits < 0 && digits > 0) {
      fraction_digits = 0;
      continue;
    }
    if (c < '0' || c > '9' || ++digits > 15)
      return std::nullopt;
    mantissa = mantissa * 10 + static_cast<uint64_t>(c - '0');
    if (fraction_digits >= 0)
      ++fraction_digits;
  }
  if (fraction_digits <= 0)
    return std::nullopt;
  const double value = static_cast<double>(mantissa) / powers_of_ten[fraction_digits];
  return negative ? -value : value;
}

Result<JsonNumber> old_convert_json_number(std::string_view raw)
{
  const bool grammar = !raw.empty() && raw.find_first_not_of("0123456789+-.eE") == std::string_view::npos &&
                       (raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'));
  const bool integral = raw.find_first_of(".eE") == std::string_view::npos;
  if (grammar && integral) {
    long long value = 0;
    const auto [end, problem] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
    if (problem == std::errc() && end == raw.data() + raw.size())
      return JsonNumber{value, std::nullopt, static_cast<double>(value)};
  }
  if (grammar && !integral) {
    if (const auto value = old_short_decimal(raw))
      return JsonNumber{std::nullopt, std::nullopt, *value};
  }
  const std::string text(raw.substr(0, grammar ? raw.size() : 40));
  if (!grammar)
    return make_error("'" + text + "' is not a JSON number");
  JsonNumber number;
  char *end = nullptr;
  if (integral) {
    errno = 0;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (errno == 0 && *end == '\0') {
      number.integer = value;
      number.value = static_cast<double>(value);
      return number;
    }
    if (text[0] != '-') {
      errno = 0;
      const unsigned long long unsigned_value = std::strtoull(text.c_str(), &end, 10);
      if (errno == 0 && *end == '\0') {
        number.unsigned_integer = unsigned_value;
        number.value = static_cast<double>(unsigned_value);
        return number;
      }
    }
  }
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (*end != '\0')
    return make_error("'" + text.substr(0, 40) + "' is not a JSON number");
  if (!std::isfinite(value))
    return make_error("number " + text.substr(0, 40) + " is too large for a double");
  number.value = value;
  return number;
}

// Same acceptance, same integer / unsigned / double (bit for bit), same error text.
bool same_conversion(const std::string &text)
{
  const auto now = convert_json_number(text);
  const auto before = old_convert_json_number(text);
  if (static_cast<bool>(now) != static_cast<bool>(before))
    return false;
  if (!now)
    return now.message() == before.message();
  uint64_t a = 0, b = 0;
  std::memcpy(&a, &now->value, sizeof a);
  std::memcpy(&b, &before->value, sizeof b);
  return a == b && now->integer == before->integer && now->unsigned_integer == before->unsigned_integer;
}

ScanPolicy policy_of(const std::string &text)
{
  auto policy = load_scan_policy_text(text, "scan.toml");
  REQUIRE_MESSAGE(policy, (policy ? "" : policy.message()));
  return *policy;
}

// A policy of fact-only keys ([max], [count], [deny] kev/epss/cvss/unknown_severity): evaluate()
// takes its facts-only path with no inputs.
std::string random_fact_policy(std::mt19937_64 &random)
{
  static const char *const names[] = {"critical", "high", "medium", "low", "negligible", "unknown"};
  std::string text = "version = 1\n[max]\n";
  for (const char *name : names) {
    if (random() % 2)
      text += std::string(name) + " = " + std::to_string(random() % 4) + "\n";
  }
  if (random() % 2)
    text += std::string("[count]\nonly_fixable = ") + (random() % 2 ? "true" : "false") + "\n";
  text += "[deny]\n";
  if (random() % 2)
    text += "kev = true\n";
  if (random() % 2)
    text += "epss = 0." + std::to_string(random() % 10) + "\n";
  if (random() % 2)
    text += "cvss = " + std::to_string(random() % 11) + ".0\n";
  if (random() % 2)
    text += "unknown_severity = true\n";
  return text;
}

Finding random_finding(std::mt19937_64 &random)
{
  static const Severity severities[] = {Severity::critical, Severity::high,       Severity::medium,
                                        Severity::low,      Severity::negligible, Severity::unknown};
  static const FixState fixes[] = {FixState::fixed, FixState::not_fixed, FixState::wont_fix, FixState::unknown};
  // Few distinct keys, so records merge (aliases, worst severity, fix, scores join).
  Finding f = scan_test::finding((random() % 3 ? "CVE-2024-" : "GHSA-") + std::to_string(random() % 40),
                                 "pkg" + std::to_string(random() % 6), std::to_string(random() % 3),
                                 severities[random() % 6], FixState::unknown);
  f.fix = fixes[random() % 4];
  if (f.fix == FixState::fixed)
    f.fixed_version = f.version + ".1";
  if (random() % 3 == 0)
    f.aliases.push_back("CVE-2023-" + std::to_string(random() % 40));
  if (random() % 2)
    f.purl = "pkg:npm/" + f.package + "@" + f.version;
  if (random() % 2)
    f.cvss = static_cast<double>(random() % 101) / 10.0;
  if (random() % 3 == 0)
    f.epss_in_report = static_cast<double>(random() % 1001) / 1000.0;
  f.kev_in_report = random() % 7 == 0;
  if (random() % 6 == 0)
    f.inline_vex = "Trivy Status not_affected";
  f.target = "layer" + std::to_string(random() % 3);
  return f;
}

void check_same_finding(const JudgedFinding &a, const JudgedFinding &b)
{
  REQUIRE(a.finding);
  REQUIRE(b.finding);
  CHECK(a.finding->id == b.finding->id);
  CHECK(a.finding->aliases == b.finding->aliases);
  CHECK(a.finding->package == b.finding->package);
  CHECK(a.finding->version == b.finding->version);
  CHECK(a.finding->purl == b.finding->purl);
  CHECK(a.finding->fixed_version == b.finding->fixed_version);
  CHECK(a.finding->target == b.finding->target);
  CHECK(a.why == b.why);
  CHECK(a.suppressed_by == b.suppressed_by);
  CHECK(a.counted == b.counted);
  CHECK(a.in_kev == b.in_kev);
  CHECK(a.epss == b.epss);
  // Named: the lists never print a finding without its id and package.
  CHECK_FALSE(a.finding->id.empty());
  CHECK_FALSE(a.finding->package.empty());
}

// One finding per (id, package, version) text triple, whatever the texts' splits and order.
std::size_t distinct_keys(const std::vector<Finding> &findings)
{
  std::set<std::tuple<std::string, std::string, std::string>> keys;
  for (const auto &f : findings)
    keys.emplace(f.id, f.package, f.version);
  return keys.size();
}

} // namespace redteam3

TEST_CASE("round 3: convert_json_number accepts and refuses exactly what the two-scan version did")
{
  // Every text of up to 5 characters over the grammar's characters, a NUL, a high byte and
  // near misses; then random longer texts (exponents, 16-20 digit integers, INT64 edges).
  const std::string alphabet("019-+.eE \0x\xff", 12);
  std::vector<std::string> texts{""};
  std::size_t checked = 0, differing = 0;
  for (std::size_t length = 1; length <= 5; ++length) {
    std::vector<std::string> longer;
    longer.reserve(texts.size() * alphabet.size());
    for (const auto &text : texts) {
      if (text.size() != length - 1)
        continue;
      for (char c : alphabet)
        longer.push_back(text + c);
    }
    for (const auto &text : longer) {
      ++checked;
      if (!redteam3::same_conversion(text) && ++differing <= 5)
        FAIL_CHECK("differs: '" << text << "'");
    }
    texts = std::move(longer);
  }
  std::mt19937_64 random(13);
  const std::string long_alphabet("0123456789-+.eE", 15);
  for (int i = 0; i < 40000; ++i) {
    std::string text = random() % 2 ? "-" : "";
    const std::size_t length = 1 + random() % 24;
    for (std::size_t k = 0; k < length; ++k)
      text += random() % 4 ? static_cast<char>('0' + random() % 10) : long_alphabet[random() % long_alphabet.size()];
    ++checked;
    if (!redteam3::same_conversion(text) && ++differing <= 5)
      FAIL_CHECK("differs: '" << text << "'");
  }
  for (const char *edge : {"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
                           "18446744073709551615", "18446744073709551616", "1e308", "1e309", "-0", "-0.0",
                           "0.000000000000001", "123456789012345.6", "1234567890123456.7"}) {
    ++checked;
    CHECK_MESSAGE(redteam3::same_conversion(edge), edge);
  }
  CHECK(checked > 270000);
  CHECK(differing == 0);
}

TEST_CASE("round 3: facts-only evaluation equals the texts-loaded one for every fact-only policy key")
{
  // An empty KEV catalogue makes evaluate() load every text and changes no decision: the
  // reference. 300 random sets of 60 records (merged to fewer), each under a random policy.
  std::mt19937_64 random(5);
  KevCatalog empty_kev;
  std::size_t denied_rounds = 0, suppressed_rounds = 0, capped_rounds = 0;
  for (int round = 0; round < 300; ++round) {
    FindingSet set;
    for (int k = 0; k < 60; ++k)
      set.add(redteam3::random_finding(random), static_cast<uint32_t>(k % 2));
    const std::string policy_text = redteam3::random_fact_policy(random);
    const ScanPolicy policy = redteam3::policy_of(policy_text);
    EvaluationInputs facts_inputs;
    facts_inputs.now = *parse_rfc3339("2026-02-11T00:00:00Z");
    EvaluationInputs texts_inputs = facts_inputs;
    texts_inputs.kev = &empty_kev;
    texts_inputs.kev_label = "CISA KEV";
    const std::size_t cap = round % 3 == 0 ? 2 : all_details;
    const Evaluation facts = evaluate(set, policy, facts_inputs, cap);
    const Evaluation texts = evaluate(set, policy, texts_inputs, cap);
    INFO(policy_text);
    CHECK(facts.reasons == texts.reasons);
    CHECK(facts.allowed() == texts.allowed());
    CHECK(facts.denying_total == texts.denying_total);
    CHECK(facts.suppressed_total == texts.suppressed_total);
    CHECK(facts.counted_total == texts.counted_total);
    CHECK(facts.kev_matches == texts.kev_matches);
    for (std::size_t s = 0; s < severity_count; ++s) {
      CHECK(facts.counts[s].found == texts.counts[s].found);
      CHECK(facts.counts[s].suppressed == texts.counts[s].suppressed);
      CHECK(facts.counts[s].counted == texts.counts[s].counted);
    }
    REQUIRE(facts.denying.size() == texts.denying.size());
    for (std::size_t i = 0; i < facts.denying.size(); ++i)
      redteam3::check_same_finding(facts.denying[i], texts.denying[i]);
    REQUIRE(facts.suppressed.size() == texts.suppressed.size());
    for (std::size_t i = 0; i < facts.suppressed.size(); ++i)
      redteam3::check_same_finding(facts.suppressed[i], texts.suppressed[i]);
    denied_rounds += facts.allowed() ? 0 : 1;
    suppressed_rounds += facts.suppressed.empty() ? 0 : 1;
    capped_rounds += facts.denying_total > facts.denying.size() ? 1 : 0;
    // A reason names its examples: "ID in PKG", never an empty name (": in ", ", in ").
    for (const auto &reason : facts.reasons) {
      CHECK_MESSAGE(reason.find(": in ") == std::string::npos, reason);
      CHECK_MESSAGE(reason.find(", in ") == std::string::npos, reason);
    }
  }
  // The generator reaches every path: denials, suppressions, lists cut at the cap.
  CHECK(denied_rounds > 100);
  CHECK(suppressed_rounds > 100);
  CHECK(capped_rounds > 20);
}

TEST_CASE("round 3: each input that matches by name still decides beside fact-only keys")
{
  // The policy's fact keys deny nothing here; only the named input can change the decision.
  FindingSet set;
  Finding critical = scan_test::finding("GHSA-x", "lodash", "4.0.0", Severity::critical, FixState::unknown);
  critical.aliases = {"CVE-2021-23337"};
  critical.purl = "pkg:npm/lodash@4.0.0";
  set.add(critical, 0);
  const auto now = *parse_rfc3339("2026-02-11T00:00:00Z");
  EvaluationInputs none;
  none.now = now;

  const ScanPolicy max_zero = redteam3::policy_of("version = 1\n[max]\ncritical = 0\n");
  CHECK_FALSE(evaluate(set, max_zero, none).allowed());

  // [[allow]] by alias and purl: suppressed, so ALLOW, and the suppressed list names it.
  const auto allowed =
      evaluate(set,
               redteam3::policy_of("version = 1\n[max]\ncritical = 0\n[[allow]]\nid = "
                                   "\"CVE-2021-23337\"\npackage = \"pkg:npm/lodash\"\nreason = \"r\"\n"),
               none);
  CHECK(allowed.allowed());
  REQUIRE(allowed.suppressed.size() == 1);
  CHECK(allowed.suppressed[0].finding->id == "GHSA-x");

  // [deny] ids by alias, with no [max].
  const auto denied = evaluate(set, redteam3::policy_of("version = 1\n[deny]\nids = [\"CVE-2021-23337\"]\n"), none);
  REQUIRE_FALSE(denied.allowed());
  CHECK(denied.reasons[0].find("GHSA-x in lodash 4.0.0") != std::string::npos);

  // A KEV catalogue that names the alias.
  auto kev = parse_kev(
      R"({"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-2021-23337","dateAdded":"2021-01-01"}]})", "kev.json");
  REQUIRE(kev);
  EvaluationInputs with_kev = none;
  with_kev.kev = &*kev;
  with_kev.kev_label = "CISA KEV 1";
  const auto kev_denied = evaluate(set, redteam3::policy_of("version = 1\n[deny]\nkev = true\n"), with_kev);
  REQUIRE_FALSE(kev_denied.allowed());
  CHECK(kev_denied.reasons[0].find("GHSA-x in lodash") != std::string::npos);

  // An EPSS file that scores the alias.
  std::string csv = "#model_version:v1,score_date:2026-02-10T00:00:00Z\ncve,epss,percentile\nCVE-2021-23337,0.9,0.99\n";
  std::FILE *file = fmemopen(csv.data(), csv.size(), "r");
  REQUIRE(file);
  auto epss = read_epss(file, "epss.csv", nullptr);
  std::fclose(file);
  REQUIRE(epss);
  EvaluationInputs with_epss = none;
  with_epss.epss = &*epss;
  const auto epss_denied = evaluate(set, redteam3::policy_of("version = 1\n[deny]\nepss = 0.5\n"), with_epss);
  REQUIRE_FALSE(epss_denied.allowed());
  CHECK(epss_denied.reasons[0].find("GHSA-x in lodash") != std::string::npos);

  // A VEX statement that suppresses by alias and purl.
  VexSet vex;
  REQUIRE(vex.add_document(R"({"statements":[{"vulnerability":{"name":"CVE-2021-23337"},"products":["pkg:npm/lodash"],
    "status":"not_affected","justification":"vulnerable_code_not_present"}]})",
                           "a.openvex.json"));
  EvaluationInputs with_vex = none;
  with_vex.vex = &vex;
  CHECK(evaluate(set, max_zero, with_vex).allowed());

  // A VEX document whose only statement names no product: no statement, facts-only path, and it
  // suppresses nothing (docs/scan-gate.md).
  VexSet productless;
  REQUIRE(productless.add_document(R"({"statements":[{"vulnerability":{"name":"GHSA-x"},"status":"not_affected",
    "justification":"vulnerable_code_not_present"}]})",
                                   "b.openvex.json"));
  CHECK(productless.statement_count() == 0);
  EvaluationInputs with_productless = none;
  with_productless.vex = &productless;
  const auto still_denied = evaluate(set, max_zero, with_productless);
  REQUIRE_FALSE(still_denied.allowed());
  CHECK(still_denied.reasons[0].find("GHSA-x in lodash 4.0.0") != std::string::npos);
  REQUIRE(still_denied.denying.size() == 1);
  CHECK(still_denied.denying[0].finding->purl == "pkg:npm/lodash@4.0.0");
}

TEST_CASE("round 3: the dedup index tells apart key splits and swaps, and merges equal keys")
{
  // ("a","bc") vs ("ab","c"): each text is hashed alone, then the three hashes together.
  std::vector<Finding> records;
  const std::vector<std::string> texts{"a", "b", "c", "ab", "bc", "abc", "", std::string("a\0b", 3), "a b"};
  for (const auto &id : texts) {
    if (id.empty())
      continue;
    for (const auto &package : texts)
      for (const auto &version : texts)
        records.push_back(scan_test::finding(id, package, version, Severity::high, FixState::unknown));
  }
  // Long texts too (XXH3's other length classes: 17-128, 129-240, over 240 bytes).
  for (std::size_t length : {16, 17, 128, 129, 240, 241, 1000}) {
    const std::string base(length, 'x');
    records.push_back(scan_test::finding(base, base + "y", "", Severity::high, FixState::unknown));
    records.push_back(scan_test::finding(base + "y", base, "", Severity::high, FixState::unknown));
    records.push_back(scan_test::finding(base, base, "y", Severity::high, FixState::unknown));
  }
  FindingSet set;
  for (const auto &f : records)
    set.add(f, 0);
  for (const auto &f : records) // every record again: all merge
    set.add(f, 1);
  CHECK(set.size() == redteam3::distinct_keys(records));
  CHECK(set.records_added() == 2 * records.size());
  for (std::size_t i = 0; i < set.size(); ++i) {
    const Finding f = set.at(i);
    CHECK(f.id == records[i].id);
    CHECK(f.package == records[i].package);
    CHECK(f.version == records[i].version);
    CHECK(f.occurrences == 2);
  }
}

TEST_CASE("round 3: every reader delivers every finding to the finding set, hint or no hint")
{
  auto read_into = [](const std::string &json, FindingSet &set) {
    const FindingSink sink([&](const Finding &f) { set.add(f, 0); }, [&](const Finding &f) { set.prefetch(f); });
    return read_report_bytes(json, "report.json", std::nullopt, sink);
  };
  // Trivy: keys in every order, a record without version after a hinted one, a duplicate of an
  // earlier record, a misconfiguration and a secret between vulnerability lists.
  using scan_test::trivy_vuln;
  const std::string trivy = scan_test::trivy_report(
      R"({"Target":"t1","Vulnerabilities":[)" + trivy_vuln("CVE-1", "a", "1", "LOW") +
      R"(,{"Severity":"CRITICAL","InstalledVersion":"1","PkgName":"b","VulnerabilityID":"CVE-1"},)" +
      R"({"PkgName":"a","VulnerabilityID":"CVE-1","Severity":"HIGH"},)" + trivy_vuln("CVE-1", "a", "1", "HIGH") +
      R"(]},{"Target":"t2","Misconfigurations":[{"ID":"AVD-1","Status":"FAIL","Severity":"HIGH"}],)" +
      R"("Secrets":[{"RuleID":"aws-key","Severity":"CRITICAL"}],"Vulnerabilities":[)" +
      trivy_vuln("CVE-1", "ab", "", "LOW") + "," + trivy_vuln("CVE-1a", "b", "", "LOW") + "]}");
  FindingSet trivy_set;
  const auto trivy_info = read_into(trivy, trivy_set);
  REQUIRE_MESSAGE(trivy_info, (trivy_info ? "" : trivy_info.message()));
  CHECK(trivy_set.records_added() == 8);
  CHECK(trivy_set.size() == 7); // (CVE-1, a, 1) twice
  CHECK(trivy_set.at(0).severity == Severity::high);

  // A record that fails after its hint (a number where a string belongs) fails the report.
  FindingSet broken_set;
  const auto broken =
      read_into(scan_test::trivy_report(R"({"Target":"t","Vulnerabilities":[)" + trivy_vuln("CVE-1", "a", "1", "LOW") +
                                        R"(,{"VulnerabilityID":"CVE-2","PkgName":"b",)"
                                        R"("InstalledVersion":"2","Severity":7}]})"),
                broken_set);
  CHECK_FALSE(broken);

  // Grype, SARIF, CycloneDX: no hint; each distinct finding arrives once.
  FindingSet grype_set;
  REQUIRE(read_into(R"({"matches":[
    {"vulnerability":{"id":"CVE-1","severity":"High"},"artifact":{"name":"a","version":"bc"}},
    {"vulnerability":{"id":"CVE-1","severity":"High"},"artifact":{"name":"ab","version":"c"}},
    {"vulnerability":{"id":"CVE-1","severity":"Low"},"artifact":{"name":"a","version":"bc"}}]})",
                    grype_set));
  CHECK(grype_set.size() == 2);
  FindingSet sarif_set;
  REQUIRE(read_into(R"({"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[]}},"results":[
    {"ruleId":"R1","level":"error","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a"}}}]},
    {"ruleId":"R","level":"error","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"1a"}}}]},
    {"ruleId":"R1","level":"error","message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"b"}}}]}]}]})",
                    sarif_set));
  CHECK(sarif_set.size() == 3);
  FindingSet cyclonedx_set;
  REQUIRE(read_into(R"({"bomFormat":"CycloneDX","specVersion":"1.5","vulnerabilities":[
    {"id":"CVE-1","ratings":[{"severity":"high"}],"affects":[{"ref":"pkg:npm/a@1"},{"ref":"pkg:npm/a1"},{"ref":"pkg:npm/b@1"}]}]})",
                    cyclonedx_set));
  CHECK(cyclonedx_set.size() == 3);
}
