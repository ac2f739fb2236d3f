// Trivy JSON, SchemaVersion 2: Results[].Vulnerabilities[] (also Misconfigurations with Status
// FAIL and Secrets). Every key is optional in Trivy's output (omitempty), so absence is normal;
// a present key of the wrong type is an error.
#include "json_stream.hpp"
#include "report_reader.hpp"

namespace relgate::scan
{

namespace
{

enum Context {
  root = first_reader_context,
  trivy_info,
  metadata,
  repo_digests,
  results,
  result,
  vulns,
  vuln,
  pkg_identifier,
  cvss,
  cvss_source,
  vendor_ids,
  misconfs,
  misconf,
  secrets,
  secret
};

enum RootKey { r_schema, r_artifact_name, r_metadata, r_results, r_trivy };
enum ResultKey { t_target, t_class, t_type, t_vulns, t_misconfs, t_secrets };
enum VulnKey {
  v_id,
  v_pkg_name,
  v_pkg_identifier,
  v_installed,
  v_fixed,
  v_status,
  v_severity,
  v_severity_source,
  v_cvss,
  v_vendor_ids
};
enum CvssKey { c_v3, c_v2, c_v40 };
enum MisconfKey { mc_id, mc_avdid, mc_severity, mc_status };
enum SecretKey { s_rule, s_severity, s_start_line };

struct CvssScores {
  std::string source;
  double v3 = -1, v2 = -1, v40 = -1;
  double best() const { return v3 >= 0 ? v3 : (v40 >= 0 ? v40 : v2); }
};

class TrivyWalker : public SaxWalker<TrivyWalker>
{
public:
  TrivyWalker(ReportInfo &info, const FindingSink &sink) : m_info(info), m_sink(sink) {}

  std::optional<int64_t> schema_version;

  int child(int parent, int key, bool is_object)
  {
    switch (parent) {
    case context_document:
      return is_object ? root : fail_context("found a JSON array at the top; expected a Trivy report object");
    case root:
      if (key == r_results)
        return expect_array(is_object, "Results", results);
      if (key == r_metadata)
        return expect_object(is_object, "Metadata", metadata);
      if (key == r_trivy && is_object)
        return trivy_info;
      return context_skip;
    case metadata:
      return key == 0 ? expect_array(is_object, "Metadata.RepoDigests", repo_digests) : context_skip;
    case results:
      if (!is_object)
        return fail_context("Results[" + std::to_string(m_result_index) + "] must be an object, found an array");
      start_result();
      return result;
    case result:
      m_record_index = -1;
      if (key == t_vulns)
        return expect_array(is_object, where() + ".Vulnerabilities", vulns);
      if (key == t_misconfs)
        return expect_array(is_object, where() + ".Misconfigurations", misconfs);
      if (key == t_secrets)
        return expect_array(is_object, where() + ".Secrets", secrets);
      return context_skip;
    case vulns:
    case misconfs:
    case secrets:
      if (!is_object)
        return fail_context(where() + " entries must be objects, found an array");
      m_finding.clear();
      m_hinted = false;
      m_cvss_count = 0;
      m_status.clear();
      m_severity_source.clear();
      m_has_severity = false;
      m_misconf_status.clear();
      ++m_record_index;
      return parent == vulns ? vuln : (parent == misconfs ? misconf : secret);
    case vuln:
      if (key == v_pkg_identifier)
        return expect_object(is_object, "PkgIdentifier", pkg_identifier);
      if (key == v_cvss)
        return expect_object(is_object, "CVSS", cvss);
      if (key == v_vendor_ids && !is_object)
        return vendor_ids;
      return context_skip;
    case cvss:
      if (!is_object)
        return context_skip;
      if (m_cvss_count == m_cvss.size())
        m_cvss.emplace_back();
      m_cvss[m_cvss_count] = CvssScores{};
      m_cvss[m_cvss_count].source = m_cvss_key;
      ++m_cvss_count;
      return cvss_source;
    default:
      return context_skip;
    }
  }

  int key_id(int context, std::string_view key)
  {
    switch (context) {
    case root:
      return key_index(key, "SchemaVersion", "ArtifactName", "Metadata", "Results", "Trivy");
    case trivy_info:
      return key_index(key, "Version");
    case metadata:
      return key_index(key, "RepoDigests");
    case result:
      return key_index(key, "Target", "Class", "Type", "Vulnerabilities", "Misconfigurations", "Secrets");
    case vuln:
      return key_index(key, "VulnerabilityID", "PkgName", "PkgIdentifier", "InstalledVersion", "FixedVersion", "Status",
                       "Severity", "SeveritySource", "CVSS", "VendorIDs");
    case pkg_identifier:
      return key_index(key, "PURL");
    case cvss:
      m_cvss_key.assign(key);
      return 0;
    case cvss_source:
      return key_index(key, "V3Score", "V2Score", "V40Score");
    case misconf:
      return key_index(key, "ID", "AVDID", "Severity", "Status");
    case secret:
      return key_index(key, "RuleID", "Severity", "StartLine");
    default:
      return no_key;
    }
  }

  bool value(int context, int key, const JsonScalar &v)
  {
    switch (context) {
    case root:
      if (key == r_schema) {
        if (!v.integer)
          return fail("SchemaVersion must be an integer, found " + std::string(v.type_name()));
        schema_version = *v.integer;
        if (*schema_version != 2) {
          return fail("unsupported Trivy SchemaVersion " + std::to_string(*schema_version) +
                      ": scan-gate reads SchemaVersion 2 (trivy 0.20 and later)");
        }
        return true;
      }
      if (key == r_artifact_name && v.is_string()) {
        m_info.artifact_name.assign(v.text);
        // `trivy image NAME@sha256:...` names the digest here; a tag (NAME:1.0) names nothing fixed.
        if (v.text.find('@') != std::string_view::npos)
          add_digest_claim(m_info, "ArtifactName", v.text);
      }
      if ((key == r_results || key == r_metadata) && v.type != JsonScalar::Type::null) {
        return fail(std::string(key == r_results ? "Results must be an array" : "Metadata must be an object") +
                    ", found " + std::string(v.type_name()));
      }
      return true;
    case trivy_info:
      if (key == 0 && v.is_string())
        m_info.scanner = "trivy " + std::string(v.text);
      return true;
    case repo_digests: {
      const std::string field = "Metadata.RepoDigests[" + std::to_string(m_repo_digest_index++) + "]";
      if (!v.is_string())
        return fail(field + " must be a string, found " + std::string(v.type_name()));
      add_digest_claim(m_info, field, v.text);
      return true;
    }
    case results:
      // A null or a string where a result belongs hides whatever it replaced: not a report.
      return fail("Results[" + std::to_string(m_result_index) + "] must be an object, found " +
                  std::string(v.type_name()));
    case vulns:
    case misconfs:
    case secrets: {
      const char *list = context == vulns ? "Vulnerabilities" : (context == misconfs ? "Misconfigurations" : "Secrets");
      return fail(where() + "." + list + "[" + std::to_string(m_record_index + 1) + "] must be an object, found " +
                  std::string(v.type_name()));
    }
    case result:
      if (key == t_target && v.is_string())
        m_target.assign(v.text);
      if ((key == t_vulns || key == t_misconfs || key == t_secrets) && v.type != JsonScalar::Type::null) {
        return fail(where() + ": Vulnerabilities, Misconfigurations and Secrets must be arrays, found " +
                    std::string(v.type_name()));
      }
      return true;
    case vuln:
      return vuln_value(key, v);
    case pkg_identifier:
      if (key == 0 && v.is_string())
        m_finding.purl.assign(v.text);
      return true;
    case vendor_ids:
      if (v.is_string())
        m_finding.aliases.emplace_back(v.text);
      return true;
    case cvss_source:
      if (v.is_number() && key != no_key) {
        if (!in_range(v.number, 10)) {
          static constexpr const char *names[] = {"V3Score", "V2Score", "V40Score"};
          return fail(record_where("Vulnerabilities") + ".CVSS." + printable_excerpt(m_cvss_key, 40) + "." +
                      names[key] + " must be a score from 0 to 10");
        }
        CvssScores &scores = m_cvss[m_cvss_count - 1];
        (key == c_v3 ? scores.v3 : key == c_v2 ? scores.v2 : scores.v40) = v.number;
      }
      return true;
    case misconf:
      if (!v.is_string())
        return true;
      if (key == mc_id && m_finding.id.empty())
        m_finding.id.assign(v.text);
      if (key == mc_avdid)
        m_finding.id.assign(v.text); // AVD-KSV-0001 is what .trivyignore uses
      if (key == mc_severity)
        set_severity(v.text);
      if (key == mc_status)
        m_misconf_status.assign(v.text);
      return true;
    case secret:
      if (key == s_rule && v.is_string())
        m_finding.id.assign(v.text);
      if (key == s_severity && v.is_string())
        set_severity(v.text);
      if (key == s_start_line && v.integer)
        m_finding.version = "line " + std::to_string(*v.integer);
      return true;
    default:
      return true;
    }
  }

  bool close(int context)
  {
    switch (context) {
    case vuln:
      return emit_vulnerability();
    case misconf:
      // PASS entries are checks that succeeded; only failures are findings.
      if (m_misconf_status != "FAIL")
        return true;
      return emit_other(FindingKind::misconfiguration, "ID");
    case secret:
      return emit_other(FindingKind::secret, "RuleID");
    case result:
      ++m_result_index;
      return true;
    case root:
      if (!schema_version)
        return fail("not a Trivy SchemaVersion 2 report: SchemaVersion is missing");
      return true;
    default:
      return true;
    }
  }

private:
  int expect_array(bool is_object, const std::string &what, int context)
  {
    return is_object ? fail_context(what + " must be an array, found an object") : context;
  }
  int expect_object(bool is_object, const std::string &what, int context)
  {
    return is_object ? context : fail_context(what + " must be an object, found an array");
  }
  void start_result()
  {
    m_target.clear();
    m_record_index = -1;
  }
  std::string where() const { return "Results[" + std::to_string(m_result_index) + "]"; }
  std::string record_where(const char *list) const
  {
    return where() + "." + list + "[" + std::to_string(m_record_index) + "]";
  }
  void set_severity(std::string_view text)
  {
    bool unrecognised = false;
    m_finding.severity = severity_or_unknown(text, &unrecognised);
    m_has_severity = true;
    if (unrecognised) {
      if (m_info.unrecognised_severities++ == 0)
        m_info.first_unrecognised_severity.assign(text);
    }
  }

  bool vuln_value(int key, const JsonScalar &v)
  {
    if (key == no_key)
      return true;
    if (key == v_pkg_identifier || key == v_cvss || key == v_vendor_ids)
      return true;
    if (!v.is_string()) {
      if (v.type == JsonScalar::Type::null)
        return true;
      static constexpr const char *names[] = {"VulnerabilityID", "PkgName", "",         "InstalledVersion",
                                              "FixedVersion",    "Status",  "Severity", "SeveritySource"};
      return fail(record_where("Vulnerabilities") + "." + names[key] + " must be a string, found " +
                  std::string(v.type_name()));
    }
    switch (key) {
    case v_id:
      m_finding.id.assign(v.text);
      hint_key_read();
      break;
    case v_pkg_name:
      m_finding.package.assign(v.text);
      hint_key_read();
      break;
    case v_installed:
      m_finding.version.assign(v.text);
      hint_key_read();
      break;
    case v_fixed:
      m_finding.fixed_version = normalise_fixed_versions(v.text);
      break;
    case v_status:
      m_status.assign(v.text);
      break;
    case v_severity:
      set_severity(v.text);
      break;
    case v_severity_source:
      m_severity_source.assign(v.text);
      break;
    default:
      break;
    }
    return true;
  }

  // Once the record's id, package and version are read (any key order), tell the sink: it fetches
  // their index entries while the rest of the record is parsed.
  void hint_key_read()
  {
    if (!m_hinted && !m_finding.id.empty() && !m_finding.package.empty() && !m_finding.version.empty()) {
      m_hinted = true;
      m_sink.prefetch(m_finding);
    }
  }

  bool emit_vulnerability()
  {
    if (m_finding.id.empty())
      return fail(record_where("Vulnerabilities") + ": VulnerabilityID is missing or empty");
    if (m_finding.package.empty())
      return fail(record_where("Vulnerabilities") + ": PkgName is missing or empty");
    m_finding.fix = trivy_fix_state(m_status, m_finding.fixed_version);
    if (m_status == "not_affected")
      m_finding.inline_vex = "Trivy Status not_affected";
    m_finding.cvss = pick_cvss();
    m_finding.target = m_target;
    m_finding.kind = FindingKind::vulnerability;
    ++m_info.records;
    if (std::string refused = deliver_finding(m_sink, m_finding); !refused.empty())
      return fail(record_where("Vulnerabilities") + ": " + refused);
    return true;
  }

  bool emit_other(FindingKind kind, const char *id_key)
  {
    const char *list = kind == FindingKind::secret ? "Secrets" : "Misconfigurations";
    if (m_finding.id.empty())
      return fail(record_where(list) + ": " + id_key + " is missing or empty");
    m_finding.kind = kind;
    m_finding.package = m_target;
    m_finding.target = m_target;
    ++m_info.records;
    if (std::string refused = deliver_finding(m_sink, m_finding); !refused.empty())
      return fail(record_where(list) + ": " + refused);
    return true;
  }

  // The score of the source the severity came from, else NVD's, else the highest.
  std::optional<double> pick_cvss() const
  {
    const CvssScores *chosen = nullptr;
    for (std::size_t i = 0; i < m_cvss_count; ++i) {
      if (m_cvss[i].source == m_severity_source && m_cvss[i].best() >= 0)
        chosen = &m_cvss[i];
    }
    for (std::size_t i = 0; !chosen && i < m_cvss_count; ++i) {
      if (m_cvss[i].source == "nvd" && m_cvss[i].best() >= 0)
        chosen = &m_cvss[i];
    }
    double best = -1;
    if (chosen) {
      best = chosen->best();
    } else {
      for (std::size_t i = 0; i < m_cvss_count; ++i)
        best = std::max(best, m_cvss[i].best());
    }
    if (best < 0)
      return std::nullopt;
    return best;
  }

  ReportInfo &m_info;
  const FindingSink &m_sink;
  Finding m_finding;
  std::string m_target;
  std::string m_status;
  std::string m_severity_source;
  std::string m_misconf_status;
  std::string m_cvss_key;
  std::vector<CvssScores> m_cvss;
  std::size_t m_cvss_count = 0;
  bool m_has_severity = false;
  bool m_hinted = false; // prefetch() given for this record
  int64_t m_result_index = 0;
  int64_t m_record_index = -1;
  int64_t m_repo_digest_index = 0;
};

} // namespace

Result<ReportInfo> read_trivy_report(ReportInput &input, const std::string &source_name, const FindingSink &sink)
{
  ReportInfo info;
  info.scanner = "trivy";
  TrivyWalker walker(info, sink);
  RELGATE_ASSIGN_OR_RETURN(info.sha256, walk_json(input, source_name, walker, "a Trivy JSON report (SchemaVersion 2)"));
  info.bytes = input.size();
  return info;
}

} // namespace relgate::scan
