// The compact finding store: what goes in comes back out (interned strings, purls split around
// their version), repeats merge as before, and the policy keeps full detail only for the
// findings a format prints while every count stays exact.
#include "evaluation.hpp"
#include "finding_set.hpp"
#include "scan_policy.hpp"
#include "string_pool.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace relgate::scan;

namespace
{

Finding set_finding(const std::string &id, const std::string &package, const std::string &version, Severity severity)
{
  Finding f;
  f.id = id;
  f.package = package;
  f.version = version;
  f.severity = severity;
  f.fix = FixState::fixed;
  f.fixed_version = version + "-fix";
  return f;
}

ScanPolicy set_policy(const std::string &text)
{
  auto policy = load_scan_policy_text(text, "scan.toml");
  REQUIRE_MESSAGE(policy, (policy ? "" : policy.message()));
  return *policy;
}

} // namespace

TEST_CASE("string pool: equal texts share one handle, views stay valid")
{
  StringPool pool;
  CHECK(pool.intern("") == StringPool::empty);
  CHECK(pool.view(StringPool::empty).empty());
  const uint32_t musl = pool.intern("musl");
  std::string_view first = pool.view(musl);
  for (int i = 0; i < 100000; ++i) // many blocks and index growths later...
    pool.intern("package-" + std::to_string(i));
  CHECK(pool.intern("musl") == musl);
  CHECK(first == "musl"); // ...the first view still points at its bytes
  CHECK(pool.view(pool.intern("package-99999")) == "package-99999");
  const std::string big(200000, 'x'); // larger than a shared block
  CHECK(pool.view(pool.intern(big)) == big);

  // The repeated-field shortcut gives the same handles as a lookup, whatever came before.
  StringPool::Last last;
  CHECK(pool.intern("musl", last) == musl);
  CHECK(pool.intern("musl", last) == musl);
  CHECK(pool.intern("package-7", last) == pool.intern("package-7"));
  CHECK(pool.intern("", last) == StringPool::empty);
  CHECK(pool.intern("musl", last) == musl);
  const std::string big2(70000, 'y'); // a record of its own, beside shared blocks
  const uint32_t big_handle = pool.intern(big2, last);
  CHECK(pool.view(big_handle) == big2);
  CHECK(pool.intern(big2) == big_handle);
}

TEST_CASE("finding set: every field comes back; purls split around the version or kept whole")
{
  FindingSet set;
  const char *purls[] = {"pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=3.19.1",
                         "pkg:npm/%40scope/name@1.2.4-r2",
                         "pkg:deb/debian/musl@1.2.4-r2#sub/path",
                         "pkg:golang/example.com/m@v0.0.0-20240101",
                         "pkg:pypi/musl",
                         "",
                         "pkg:apk/alpine/musl@1.2.4-r22",
                         "pkg:x/@1.2.4-r2"};
  std::size_t n = 0;
  for (const char *purl : purls) {
    Finding f = set_finding("CVE-" + std::to_string(n), "musl", "1.2.4-r2", Severity::high);
    f.purl = purl;
    f.aliases = {"GHSA-a", "GHSA-a"}; // the first record's aliases as given
    f.target = "layer-1";
    f.inline_vex = n % 2 ? "Trivy Status not_affected" : "";
    f.cvss = 7.5;
    set.add(f, 3);
    ++n;
  }
  REQUIRE(set.size() == n);
  for (std::size_t i = 0; i < n; ++i) {
    const Finding f = set.at(i);
    CHECK(f.purl == purls[i]);
    CHECK(f.id == "CVE-" + std::to_string(i));
    CHECK(f.package == "musl");
    CHECK(f.version == "1.2.4-r2");
    CHECK(f.fixed_version == "1.2.4-r2-fix");
    CHECK(f.aliases == std::vector<std::string>{"GHSA-a", "GHSA-a"});
    CHECK(f.target == "layer-1");
    CHECK(f.inline_vex == (i % 2 ? "Trivy Status not_affected" : ""));
    CHECK(f.cvss == 7.5);
    CHECK_FALSE(f.epss_in_report.has_value());
    CHECK(f.report_index == 3);
    CHECK(f.occurrences == 1);
    CHECK(set.id(i) == f.id);
    CHECK(set.severity(i) == Severity::high);
  }
}

TEST_CASE("finding set: a repeat fills a missing purl, adds new aliases only, keeps the worst severity")
{
  FindingSet set;
  set.add(set_finding("CVE-1", "musl", "1.1", Severity::low), 0);
  Finding repeat = set_finding("CVE-1", "musl", "1.1", Severity::critical);
  repeat.purl = "pkg:apk/alpine/musl@1.1";
  repeat.aliases = {"GHSA-1", "CVE-1", "GHSA-1"};
  repeat.epss_in_report = 0.25;
  repeat.kev_in_report = true;
  set.add(repeat, 1);
  set.add(repeat, 1);
  REQUIRE(set.size() == 1);
  const Finding merged = set.at(0);
  CHECK(merged.purl == "pkg:apk/alpine/musl@1.1");
  CHECK(merged.aliases == std::vector<std::string>{"GHSA-1"});
  CHECK(merged.severity == Severity::critical);
  CHECK(merged.epss_in_report == 0.25);
  CHECK(merged.kev_in_report);
  CHECK(merged.occurrences == 3);
  CHECK(merged.report_index == 0);
  CHECK(set.records_added() == 3);
}

TEST_CASE("evaluation: full detail for the first detail_cap denying findings, exact totals, same order")
{
  FindingSet set;
  // Reverse order on purpose, and two findings with equal (severity, id, package): report order.
  for (int i = 9; i >= 0; --i)
    set.add(set_finding("CVE-" + std::to_string(i), "pkg", "1", Severity::high), 0);
  set.add(set_finding("CVE-5", "pkg", "2", Severity::high), 0);
  set.add(set_finding("CVE-0", "pkg", "1", Severity::critical), 0); // a repeat: critical now
  const ScanPolicy policy = set_policy("version = 1\n[max]\nhigh = 1\ncritical = 0\n");
  EvaluationInputs inputs;
  inputs.now = *relgate::parse_rfc3339("2026-02-11T00:00:00Z");
  const Evaluation all = evaluate(set, policy, inputs);
  const Evaluation capped = evaluate(set, policy, inputs, 3);
  CHECK(all.denying_total == 11);
  CHECK(all.denying.size() == 11);
  CHECK(capped.denying_total == 11);
  REQUIRE(capped.denying.size() == 3);
  CHECK(capped.reasons == all.reasons);
  CHECK(capped.counts[1].counted == all.counts[1].counted);
  for (std::size_t i = 0; i < capped.denying.size(); ++i) {
    CHECK(capped.denying[i].finding->id == all.denying[i].finding->id);
    CHECK(capped.denying[i].why == all.denying[i].why);
  }
  CHECK(all.denying[0].finding->id == "CVE-0");
  CHECK(all.denying[0].finding->severity == Severity::critical);
  CHECK(all.denying[1].finding->id == "CVE-1");
  // CVE-5 in pkg 1 was reported before CVE-5 in pkg 2.
  CHECK(all.denying[5].finding->version == "1");
  CHECK(all.denying[6].finding->version == "2");
  CHECK(all.denying[6].why[0] == "high over its limit (10 counted, max 1)");
}
