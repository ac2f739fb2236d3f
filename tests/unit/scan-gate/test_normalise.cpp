#include "finding.hpp"
#include "report_reader.hpp"

#include <doctest/doctest.h>

using namespace relgate::scan;

TEST_CASE("severities from every scanner's vocabulary")
{
  CHECK(parse_severity("CRITICAL") == Severity::critical);
  CHECK(parse_severity("High") == Severity::high);
  CHECK(parse_severity("moderate") == Severity::medium);
  CHECK(parse_severity("Negligible") == Severity::negligible);
  CHECK(parse_severity("UNKNOWN") == Severity::unknown);
  CHECK(parse_severity("") == Severity::unknown);
  CHECK_FALSE(parse_severity("SEVERE").has_value());
  bool unrecognised = false;
  CHECK(severity_or_unknown("SEVERE", &unrecognised) == Severity::unknown);
  CHECK(unrecognised);
}

TEST_CASE("fix states: Trivy Status and Grype fix.state")
{
  CHECK(trivy_fix_state("fixed", "1.2") == FixState::fixed);
  CHECK(trivy_fix_state("affected", "") == FixState::not_fixed);
  CHECK(trivy_fix_state("will_not_fix", "") == FixState::wont_fix);
  CHECK(trivy_fix_state("end_of_life", "") == FixState::wont_fix);
  CHECK(trivy_fix_state("", "1.2") == FixState::fixed); // old reports: no Status
  CHECK(trivy_fix_state("", "") == FixState::unknown);
  CHECK(grype_fix_state("not-fixed") == FixState::not_fixed);
  CHECK(grype_fix_state("wont-fix") == FixState::wont_fix);
  CHECK(grype_fix_state("") == FixState::unknown);
}

TEST_CASE("SARIF security-severity as GitHub maps it")
{
  CHECK(severity_from_score(9.8) == Severity::critical);
  CHECK(severity_from_score(9.0) == Severity::critical);
  CHECK(severity_from_score(8.9) == Severity::high);
  CHECK(severity_from_score(5.3) == Severity::medium);
  CHECK(severity_from_score(0.1) == Severity::low);
  CHECK_FALSE(severity_from_score(0.0).has_value());
}

TEST_CASE("comma lists in FixedVersion are normalised")
{
  CHECK(normalise_fixed_versions("1.1.1d-r2,1.0.2u") == "1.1.1d-r2, 1.0.2u");
  CHECK(normalise_fixed_versions(" 1.1.1d-r2 ,  , 1.0.2u ") == "1.1.1d-r2, 1.0.2u");
  CHECK(normalise_fixed_versions("") == "");
}

TEST_CASE("purls: namespace, name, percent-decoded version, qualifiers dropped")
{
  auto purl = parse_purl("pkg:deb/debian/libssl1.1@1.1.1n-0%2Bdeb11u4?arch=amd64");
  REQUIRE(purl);
  CHECK(purl->type == "deb");
  CHECK(purl->namespace_ == "debian");
  CHECK(purl->name == "libssl1.1");
  CHECK(purl->version == "1.1.1n-0+deb11u4");
  auto go = parse_purl("pkg:golang/helm.sh/helm/v3");
  REQUIRE(go);
  CHECK(go->namespace_ == "helm.sh/helm");
  CHECK(go->name == "v3");
  CHECK(go->version.empty());
  CHECK_FALSE(parse_purl("not-a-purl").has_value());
  CHECK_FALSE(parse_purl("pkg:npm").has_value());
}

TEST_CASE("the CVE id of a finding comes from its id or its aliases")
{
  Finding finding;
  finding.id = "GHSA-xxxx-yyyy-zzzz";
  finding.aliases = {"GO-2024-1", "CVE-2024-3094"};
  CHECK(finding.cve_id() == "CVE-2024-3094");
  CHECK(finding.has_id("GO-2024-1"));
  CHECK_FALSE(finding.has_id("CVE-2024-0001"));
}
