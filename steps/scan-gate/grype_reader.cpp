// Grype JSON: matches[]{vulnerability, relatedVulnerabilities[], artifact}. The severity counted is
// the primary record's (vulnerability.severity); related records give aliases (to reach KEV, EPSS
// and VEX by CVE when the primary id is a GHSA or distro id) and a CVSS score when the primary has none.
#include "json_stream.hpp"
#include "report_reader.hpp"

#include <algorithm>

namespace relgate::scan
{

namespace
{

enum Context {
  root = first_reader_context,
  source,
  source_target,
  repo_digests,
  descriptor,
  matches,
  match,
  vuln,
  fix,
  fix_versions,
  cvss_list,
  cvss_entry,
  cvss_metrics,
  kev_list,
  epss_list,
  epss_entry,
  related_list,
  related,
  artifact,
  artifact_locations,
  artifact_location
};

enum RootKey { r_matches, r_source, r_descriptor };
enum MatchKey { mk_vulnerability, mk_related, mk_artifact };
enum VulnKey { v_id, v_severity, v_fix, v_cvss, v_kev, v_epss };
enum FixKey { f_versions, f_state };
enum CvssKey { c_version, c_metrics };
enum ArtifactKey { a_name, a_version, a_purl, a_locations };

class GrypeWalker : public SaxWalker<GrypeWalker>
{
public:
  GrypeWalker(ReportInfo &info, const FindingSink &sink) : m_info(info), m_sink(sink) {}

  int child(int parent, int key, bool is_object)
  {
    switch (parent) {
    case context_document:
      return is_object ? root : fail_context("found a JSON array at the top; expected a Grype report object");
    case root:
      if (key == r_matches) {
        m_seen_matches = true;
        return is_object ? fail_context("matches must be an array, found an object") : matches;
      }
      if (key == r_source && is_object)
        return source;
      if (key == r_descriptor && is_object)
        return descriptor;
      return context_skip;
    case source:
      return key == 0 && is_object ? source_target : context_skip;
    case source_target:
      return key == 1 && !is_object ? repo_digests : context_skip;
    case matches:
      if (!is_object)
        return fail_context(where() + " must be an object, found an array");
      m_finding.clear();
      m_fix_versions.clear();
      m_fix_state.clear();
      m_primary_cvss = -1;
      m_related_cvss = -1;
      m_seen_vulnerability = false;
      m_seen_artifact = false;
      m_location.clear();
      return match;
    case match:
      if (key == mk_vulnerability)
        return object_or_fail(is_object, "vulnerability", vuln);
      if (key == mk_artifact)
        return object_or_fail(is_object, "artifact", artifact);
      if (key == mk_related && !is_object)
        return related_list;
      return context_skip;
    case vuln:
      if (key == v_fix && is_object)
        return fix;
      if (key == v_cvss && !is_object) {
        m_in_related = false;
        return cvss_list;
      }
      if (key == v_kev && !is_object)
        return kev_list;
      if (key == v_epss && !is_object)
        return epss_list;
      return context_skip;
    case fix:
      return key == f_versions && !is_object ? fix_versions : context_skip;
    case related_list:
      if (!is_object)
        return context_skip;
      return related;
    case related:
      if (key == 1 && !is_object) {
        m_in_related = true;
        return cvss_list;
      }
      return context_skip;
    case cvss_list:
      m_cvss_version.clear();
      m_cvss_score = -1;
      return is_object ? cvss_entry : context_skip;
    case cvss_entry:
      return key == c_metrics && is_object ? cvss_metrics : context_skip;
    case kev_list:
      // Any entry in knownExploited[] means the CVE is in the KEV catalogue.
      m_finding.kev_in_report = true;
      return context_skip;
    case epss_list:
      return is_object ? epss_entry : context_skip;
    case artifact:
      return key == a_locations && !is_object ? artifact_locations : context_skip;
    case artifact_locations:
      return is_object ? artifact_location : context_skip;
    default:
      return context_skip;
    }
  }

  int key_id(int context, std::string_view key)
  {
    switch (context) {
    case root:
      return key_index(key, "matches", "source", "descriptor");
    case source:
      return key_index(key, "target");
    case source_target:
      return key_index(key, "userInput", "repoDigests", "manifestDigest");
    case descriptor:
      return key_index(key, "name", "version");
    case match:
      return key_index(key, "vulnerability", "relatedVulnerabilities", "artifact");
    case vuln:
      return key_index(key, "id", "severity", "fix", "cvss", "knownExploited", "epss");
    case fix:
      return key_index(key, "versions", "state");
    case cvss_entry:
      return key_index(key, "version", "metrics");
    case cvss_metrics:
      return key_index(key, "baseScore");
    case epss_entry:
      return key_index(key, "epss");
    case related:
      return key_index(key, "id", "cvss");
    case artifact:
      return key_index(key, "name", "version", "purl", "locations");
    case artifact_location:
      return key_index(key, "path");
    default:
      return no_key;
    }
  }

  bool value(int context, int key, const JsonScalar &v)
  {
    switch (context) {
    case root:
      if (key == r_matches && v.type != JsonScalar::Type::null) {
        return fail("matches must be an array, found " + std::string(v.type_name()));
      }
      return true;
    case matches:
      return fail(where() + " must be an object, found " + std::string(v.type_name()));
    case source_target:
      if (key == 0 && v.is_string()) {
        m_info.artifact_name.assign(v.text);
        if (v.text.find('@') != std::string_view::npos)
          add_digest_claim(m_info, "source.target.userInput", v.text);
      }
      if (key == 2 && v.type != JsonScalar::Type::null) {
        if (!v.is_string())
          return fail("source.target.manifestDigest must be a string, found " + std::string(v.type_name()));
        add_digest_claim(m_info, "source.target.manifestDigest", v.text);
      }
      return true;
    case repo_digests: {
      const std::string field = "source.target.repoDigests[" + std::to_string(m_repo_digest_index++) + "]";
      if (!v.is_string())
        return fail(field + " must be a string, found " + std::string(v.type_name()));
      add_digest_claim(m_info, field, v.text);
      return true;
    }
    case descriptor:
      if (v.is_string() && key == 0)
        m_descriptor_name.assign(v.text);
      if (v.is_string() && key == 1)
        m_descriptor_version.assign(v.text);
      return true;
    case vuln:
      if (key == v_id) {
        if (!v.is_string())
          return fail(where() + ".vulnerability.id must be a string, found " + std::string(v.type_name()));
        m_finding.id.assign(v.text);
        m_seen_vulnerability = true;
      } else if (key == v_severity) {
        if (!v.is_string() && v.type != JsonScalar::Type::null) {
          return fail(where() + ".vulnerability.severity must be a string, found " + std::string(v.type_name()));
        }
        bool unrecognised = false;
        m_finding.severity = severity_or_unknown(v.is_string() ? v.text : "", &unrecognised);
        if (unrecognised && m_info.unrecognised_severities++ == 0)
          m_info.first_unrecognised_severity.assign(v.text);
      }
      return true;
    case fix:
      if (key == f_state && v.is_string())
        m_fix_state.assign(v.text);
      return true;
    case fix_versions:
      if (v.is_string() && !v.text.empty()) {
        if (!m_fix_versions.empty())
          m_fix_versions += ", ";
        m_fix_versions += v.text;
      }
      return true;
    case cvss_entry:
      if (key == c_version && v.is_string())
        m_cvss_version.assign(v.text);
      return true;
    case cvss_metrics:
      if (key == 0 && v.is_number()) {
        if (!in_range(v.number, 10))
          return fail(where() + ": cvss[].metrics.baseScore must be a score from 0 to 10");
        m_cvss_score = v.number;
      }
      return true;
    case epss_entry:
      if (key == 0 && v.is_number()) {
        if (!in_range(v.number, 1))
          return fail(where() + ": epss[].epss must be a probability from 0 to 1");
        m_finding.epss_in_report = std::max(m_finding.epss_in_report.value_or(0.0), v.number);
      }
      return true;
    case related:
      if (key == 0 && v.is_string() && v.text != m_finding.id &&
          std::find(m_finding.aliases.begin(), m_finding.aliases.end(), v.text) == m_finding.aliases.end()) {
        m_finding.aliases.emplace_back(v.text);
      }
      return true;
    case artifact_location:
      // The first location (e.g. /usr/lib/node_modules/x/package.json) says where it was found.
      if (key == 0 && v.is_string() && m_location.empty())
        m_location.assign(v.text);
      return true;
    case artifact:
      if (!v.is_string())
        return true;
      if (key == a_name) {
        m_finding.package.assign(v.text);
        m_seen_artifact = true;
      }
      if (key == a_version)
        m_finding.version.assign(v.text);
      if (key == a_purl)
        m_finding.purl.assign(v.text);
      return true;
    default:
      return true;
    }
  }

  bool close(int context)
  {
    switch (context) {
    case cvss_entry:
      if (m_cvss_score >= 0) {
        // Version 3.x (or 4) outranks 2.0, the highest score within the same rank.
        double &slot = m_in_related ? m_related_cvss : m_primary_cvss;
        bool modern = m_cvss_version.empty() || m_cvss_version[0] != '2';
        double ranked = modern ? 100 + m_cvss_score : m_cvss_score;
        slot = std::max(slot, ranked);
      }
      return true;
    case related:
      m_in_related = false;
      return true;
    case match:
      return emit();
    case root:
      // Grype always writes matches[], even empty: without it this is not a Grype report.
      if (!m_seen_matches)
        return fail("not a Grype report: the top-level matches[] array is missing");
      if (!m_descriptor_name.empty())
        m_info.scanner = m_descriptor_name + " " + m_descriptor_version;
      return true;
    default:
      return true;
    }
  }

private:
  std::string where() const { return "matches[" + std::to_string(m_match_index) + "]"; }
  int object_or_fail(bool is_object, const char *what, int context)
  {
    return is_object ? context : fail_context(where() + "." + what + " must be an object, found an array");
  }

  bool emit()
  {
    if (!m_seen_vulnerability || m_finding.id.empty())
      return fail(where() + ": vulnerability.id is missing or empty");
    if (!m_seen_artifact || m_finding.package.empty())
      return fail(where() + ": artifact.name is missing or empty");
    m_finding.fix = grype_fix_state(m_fix_state);
    m_finding.fixed_version = m_fix_versions;
    double ranked = m_primary_cvss >= 0 ? m_primary_cvss : m_related_cvss;
    if (ranked >= 0)
      m_finding.cvss = ranked >= 100 ? ranked - 100 : ranked;
    m_finding.target = m_location;
    ++m_info.records;
    if (std::string refused = deliver_finding(m_sink, m_finding); !refused.empty())
      return fail(where() + ": " + refused);
    ++m_match_index;
    return true;
  }

  ReportInfo &m_info;
  const FindingSink &m_sink;
  Finding m_finding;
  std::string m_fix_versions;
  std::string m_fix_state;
  std::string m_cvss_version;
  std::string m_location;
  std::string m_descriptor_name;
  std::string m_descriptor_version;
  double m_cvss_score = -1;
  double m_primary_cvss = -1;
  double m_related_cvss = -1;
  bool m_in_related = false;
  bool m_seen_vulnerability = false;
  bool m_seen_artifact = false;
  bool m_seen_matches = false;
  int64_t m_match_index = 0;
  int64_t m_repo_digest_index = 0;
};

} // namespace

Result<ReportInfo> read_grype_report(ReportInput &input, const std::string &source_name, const FindingSink &sink)
{
  ReportInfo info;
  info.scanner = "grype";
  GrypeWalker walker(info, sink);
  RELGATE_ASSIGN_OR_RETURN(info.sha256, walk_json(input, source_name, walker, "a Grype JSON report (matches[])"));
  info.bytes = input.size();
  return info;
}

} // namespace relgate::scan
