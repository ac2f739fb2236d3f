// The one vocabulary every reader normalises into: severity, fix state, CVSS base score and the
// package, whatever the scanner called them (reference sheet section 8).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::scan
{

// Ordered from worst to least: tables and [max] keys follow this order.
enum class Severity : uint8_t { critical, high, medium, low, negligible, unknown };
constexpr std::size_t severity_count = 6;
constexpr std::array<Severity, severity_count> all_severities{
    Severity::critical, Severity::high, Severity::medium, Severity::low, Severity::negligible, Severity::unknown};

enum class FixState : uint8_t { fixed, not_fixed, wont_fix, unknown };
enum class FindingKind : uint8_t { vulnerability, misconfiguration, secret };

std::string_view severity_name(Severity severity); // "critical"
std::string_view fix_state_name(FixState state);   // "fixed", "not-fixed", "wont-fix", "unknown"
std::string_view kind_name(FindingKind kind);

// Case-insensitive: CRITICAL, Critical, critical; MODERATE = medium; "" / none / unknown = unknown.
// Returns nullopt for words no scanner uses, so callers can report them and still count "unknown".
std::optional<Severity> parse_severity(std::string_view text);
Severity severity_or_unknown(std::string_view text, bool *unrecognised = nullptr);

// Trivy Status: fixed | affected | will_not_fix | fix_deferred | end_of_life | ...
FixState trivy_fix_state(std::string_view status, std::string_view fixed_version);
// Grype fix.state: fixed | not-fixed | wont-fix | unknown | "" (old outputs).
FixState grype_fix_state(std::string_view state);

// GitHub's mapping of a SARIF security-severity score: >= 9.0 critical, >= 7.0 high,
// >= 4.0 medium, > 0 low, else none (nullopt: not a security finding).
std::optional<Severity> severity_from_score(double score);

// "1.1.1d-r2,1.0.2u" / "1.1.1d-r2, 1.0.2u" -> "1.1.1d-r2, 1.0.2u" (trimmed, empty parts dropped).
std::string normalise_fixed_versions(std::string_view text);

// The longest text that may name a finding (id, alias, package, version, fixed versions, purl,
// target). No scanner writes longer ones, and a longer one would be copied, hashed and printed
// for every finding that shares it (red team: a 1 MiB CycloneDX component name named by 2,000
// vulnerabilities took 6.4 GB and 33 s), so a report that holds one is refused.
constexpr std::size_t max_finding_text_bytes = 4096;

struct Finding {
  std::string id;                   // primary id: CVE, GHSA, distro id, rule id
  std::vector<std::string> aliases; // related ids (Grype relatedVulnerabilities, VEX aliases)
  std::string package;              // package name (or the target for misconfigurations/secrets)
  std::string version;              // installed version
  std::string purl;
  std::string fixed_version; // ", "-joined; empty when none known
  std::string target;        // where it was found (first occurrence)
  std::string inline_vex;    // the report itself marks it not affected (why), e.g. CycloneDX analysis
  Severity severity = Severity::unknown;
  FixState fix = FixState::unknown;
  FindingKind kind = FindingKind::vulnerability;
  bool kev_in_report = false; // Grype knownExploited[]
  std::optional<double> cvss; // base score, 0..10
  std::optional<double> epss_in_report;
  uint32_t report_index = 0; // which --report first named it
  uint32_t occurrences = 1;  // times seen across targets and reports

  // CVE id to look up in KEV / EPSS: the id itself or the first CVE alias.
  std::string_view cve_id() const;
  bool has_id(std::string_view candidate) const; // id or any alias
  // Empty when every text is at most max_finding_text_bytes long, else which one is not.
  std::string oversized_text() const;
  void clear();
};

} // namespace relgate::scan
