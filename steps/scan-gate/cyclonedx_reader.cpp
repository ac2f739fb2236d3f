// CycloneDX JSON with vulnerabilities[] (Trivy --format cyclonedx, Grype, dependency-track).
// vulnerabilities[].affects[].ref points at components[].bom-ref, which may come before or after,
// so components are indexed and vulnerabilities resolved when the document ends. The severity is
// the rating from the vulnerability's own source (Trivy's SeveritySource), else the highest.
#include "json_stream.hpp"
#include "report_reader.hpp"

#include <cctype>
#include <unordered_map>

namespace relgate::scan
{

namespace
{

enum Context {
  root = first_reader_context,
  metadata,
  meta_component,
  components,
  component,
  vulns,
  vuln,
  vuln_source,
  ratings,
  rating,
  rating_source,
  affects,
  affect,
  analysis,
  meta_hashes,
  meta_hash,
  meta_properties,
  meta_property
};

enum RootKey { r_bom_format, r_metadata, r_components, r_vulnerabilities };
enum ComponentKey { c_ref, c_name, c_version, c_purl, c_components, c_hashes, c_properties };
enum PairKey { p_first, p_second }; // hashes[]: alg, content; properties[]: name, value
enum VulnKey { v_id, v_source, v_ratings, v_recommendation, v_affects, v_analysis };
enum RatingKey { rt_source, rt_score, rt_severity, rt_method };

struct ComponentInfo {
  std::string ref, name, version, purl;
};

struct Rating {
  std::string source, severity, method;
  double score = -1;
};

struct CdxVulnerability {
  std::string id, source, recommendation, analysis_state;
  std::vector<Rating> ratings;
  std::vector<std::string> refs;
};

class CycloneDxWalker : public SaxWalker<CycloneDxWalker>
{
public:
  CycloneDxWalker(ReportInfo &info, const FindingSink &sink) : m_info(info), m_sink(sink) {}

  int child(int parent, int key, bool is_object)
  {
    switch (parent) {
    case context_document:
      return is_object ? root : fail_context("found a JSON array at the top; expected a CycloneDX BOM object");
    case root:
      if (key == r_metadata && is_object)
        return metadata;
      if (key == r_components && !is_object)
        return components;
      if (key == r_vulnerabilities) {
        m_seen_vulnerabilities = true;
        return is_object ? fail_context("vulnerabilities must be an array, found an object") : vulns;
      }
      return context_skip;
    case metadata:
      if (key == 0 && is_object) {
        m_component_stack.emplace_back();
        return meta_component;
      }
      return context_skip;
    case components:
      if (!is_object)
        return context_skip;
      m_component_stack.emplace_back();
      return component;
    case component:
      return key == c_components && !is_object ? components : context_skip;
    case meta_component:
      if (key == c_hashes && !is_object)
        return meta_hashes;
      if (key == c_properties && !is_object)
        return meta_properties;
      return key == c_components && !is_object ? components : context_skip;
    case meta_hashes:
    case meta_properties:
      m_pair_first.clear();
      m_pair_second.clear();
      return is_object ? (parent == meta_hashes ? meta_hash : meta_property) : context_skip;
    case vulns:
      if (!is_object)
        return fail_context("vulnerabilities[" + std::to_string(m_vulns.size()) + "] must be an object");
      m_vulns.emplace_back();
      return vuln;
    case vuln:
      if (key == v_source && is_object)
        return vuln_source;
      if (key == v_ratings && !is_object)
        return ratings;
      if (key == v_affects && !is_object)
        return affects;
      if (key == v_analysis && is_object)
        return analysis;
      return context_skip;
    case ratings:
      if (!is_object)
        return context_skip;
      m_vulns.back().ratings.emplace_back();
      return rating;
    case rating:
      return key == rt_source && is_object ? rating_source : context_skip;
    case affects:
      return is_object ? affect : context_skip;
    default:
      return context_skip;
    }
  }

  int key_id(int context, std::string_view key)
  {
    switch (context) {
    case root:
      return key_index(key, "bomFormat", "metadata", "components", "vulnerabilities");
    case metadata:
      return key_index(key, "component");
    case component:
    case meta_component:
      return key_index(key, "bom-ref", "name", "version", "purl", "components", "hashes", "properties");
    case meta_hash:
      return key_index(key, "alg", "content");
    case meta_property:
      return key_index(key, "name", "value");
    case vuln:
      return key_index(key, "id", "source", "ratings", "recommendation", "affects", "analysis");
    case vuln_source:
    case rating_source:
      return key_index(key, "name");
    case rating:
      return key_index(key, "source", "score", "severity", "method");
    case affect:
      return key_index(key, "ref");
    case analysis:
      return key_index(key, "state");
    default:
      return no_key;
    }
  }

  bool value(int context, int key, const JsonScalar &v)
  {
    switch (context) {
    case root:
      if (key == r_bom_format) {
        if (!(v.is_string() && v.text == "CycloneDX"))
          return fail("bomFormat must be \"CycloneDX\"");
        m_seen_bom_format = true;
      }
      if (key == r_vulnerabilities)
        return fail("vulnerabilities must be an array, found " + std::string(v.type_name()));
      if (key == r_components && v.type != JsonScalar::Type::null)
        return fail("components must be an array, found " + std::string(v.type_name()));
      return true;
    case components:
      return fail("components[] entries must be objects, found " + std::string(v.type_name()));
    case vulns:
      return fail("vulnerabilities[" + std::to_string(m_vulns.size()) + "] must be an object, found " +
                  std::string(v.type_name()));
    case component:
    case meta_component: {
      if (!v.is_string())
        return true;
      ComponentInfo &c = m_component_stack.back();
      if (key == c_ref)
        c.ref.assign(v.text);
      if (key == c_name)
        c.name.assign(v.text);
      if (key == c_version)
        c.version.assign(v.text);
      if (key == c_purl)
        c.purl.assign(v.text);
      return true;
    }
    case meta_hash:
    case meta_property:
      if (v.is_string())
        (key == p_first ? m_pair_first : m_pair_second).assign(v.text);
      return true;
    case vuln:
      if (!v.is_string())
        return true;
      if (key == v_id)
        m_vulns.back().id.assign(v.text);
      if (key == v_recommendation)
        m_vulns.back().recommendation.assign(v.text);
      return true;
    case vuln_source:
      if (key == 0 && v.is_string())
        m_vulns.back().source.assign(v.text);
      return true;
    case rating: {
      Rating &r = m_vulns.back().ratings.back();
      if (key == rt_score && v.is_number()) {
        if (!in_range(v.number, 10))
          return fail("vulnerabilities[" + std::to_string(m_vulns.size() - 1) +
                      "].ratings[].score must be a score from 0 to 10");
        r.score = v.number;
      }
      if (key == rt_severity && v.is_string())
        r.severity.assign(v.text);
      if (key == rt_method && v.is_string())
        r.method.assign(v.text);
      return true;
    }
    case rating_source:
      if (key == 0 && v.is_string())
        m_vulns.back().ratings.back().source.assign(v.text);
      return true;
    case affect:
      if (key == 0 && v.is_string())
        m_vulns.back().refs.emplace_back(v.text);
      return true;
    case analysis:
      if (key == 0 && v.is_string())
        m_vulns.back().analysis_state.assign(v.text);
      return true;
    default:
      return true;
    }
  }

  bool close(int context)
  {
    switch (context) {
    case component:
    case meta_component: {
      ComponentInfo c = std::move(m_component_stack.back());
      m_component_stack.pop_back();
      if (context == meta_component) {
        m_info.artifact_name = c.name;
        // The scanned image: a pkg:oci purl (or bom-ref) carries its digest as the version.
        if (c.purl.rfind("pkg:oci/", 0) == 0)
          add_digest_claim(m_info, "metadata.component.purl", c.purl);
        if (c.ref.rfind("pkg:oci/", 0) == 0)
          add_digest_claim(m_info, "metadata.component.bom-ref", c.ref);
      }
      if (!c.ref.empty())
        m_components.emplace(c.ref, std::move(c));
      return true;
    }
    case meta_hash:
      if (m_pair_first == "SHA-256") {
        std::string hex = m_pair_second; // CycloneDX allows upper-case hex; digests are lower-case
        for (char &c : hex)
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        add_digest_claim(m_info, "metadata.component.hashes[SHA-256]", "sha256:" + hex);
      }
      return true;
    case meta_property:
      if (m_pair_first == "aquasecurity:trivy:RepoDigest")
        add_digest_claim(m_info, "metadata.component.properties[aquasecurity:trivy:RepoDigest]", m_pair_second);
      return true;
    case root:
      if (!m_seen_bom_format)
        return fail("not a CycloneDX BOM: bomFormat \"CycloneDX\" is missing");
      // An SBOM lists components; only a BOM with vulnerabilities[] (even empty) is a scan result.
      if (!m_seen_vulnerabilities) {
        return fail("this CycloneDX BOM has no vulnerabilities[] member: it is an SBOM, not a scan; pass the "
                    "scanner's report (e.g. trivy sbom --format cyclonedx, grype -o cyclonedx-json)");
      }
      return emit_all();
    default:
      return true;
    }
  }

private:
  bool emit_all()
  {
    for (std::size_t i = 0; i < m_vulns.size(); ++i) {
      const CdxVulnerability &cv = m_vulns[i];
      if (cv.id.empty())
        return fail("vulnerabilities[" + std::to_string(i) + "]: id is missing or empty");
      Finding base;
      base.id = cv.id;
      pick_rating(cv, base);
      if (!cv.recommendation.empty()) {
        base.fix = FixState::fixed;
        std::size_t at = cv.recommendation.rfind("version ");
        if (at != std::string::npos)
          base.fixed_version = normalise_fixed_versions(cv.recommendation.substr(at + 8));
      }
      const std::string &state = cv.analysis_state;
      if (state == "not_affected" || state == "false_positive" || state == "resolved" ||
          state == "resolved_with_pedigree") {
        base.inline_vex = "CycloneDX analysis.state " + state;
      }
      std::vector<std::string> refs = cv.refs;
      if (refs.empty())
        refs.emplace_back();
      for (const auto &ref : refs) {
        Finding finding = base;
        auto found = m_components.find(ref);
        if (found != m_components.end()) {
          finding.package = found->second.name;
          finding.version = found->second.version;
          finding.purl = found->second.purl;
        }
        if (finding.purl.empty() && ref.rfind("pkg:", 0) == 0)
          finding.purl = ref;
        if (finding.package.empty()) {
          auto purl = parse_purl(finding.purl);
          if (purl) {
            finding.package = purl->namespace_.empty() ? purl->name : purl->namespace_ + "/" + purl->name;
            finding.version = purl->version;
          } else {
            finding.package = ref.empty() ? "(unspecified component)" : ref;
          }
        }
        finding.target = m_info.artifact_name;
        ++m_info.records;
        if (std::string refused = deliver_finding(m_sink, finding); !refused.empty())
          return fail("vulnerabilities[" + std::to_string(i) + "]: " + refused);
      }
    }
    return true;
  }

  void pick_rating(const CdxVulnerability &cv, Finding &finding)
  {
    std::optional<Severity> own;
    std::optional<Severity> worst;
    double own_score = -1, best_score = -1;
    for (const auto &r : cv.ratings) {
      bool unrecognised = false;
      Severity severity = severity_or_unknown(r.severity, &unrecognised);
      if (unrecognised && m_info.unrecognised_severities++ == 0)
        m_info.first_unrecognised_severity = r.severity;
      if (!r.severity.empty() && (!worst || severity < *worst))
        worst = severity;
      if (r.source == cv.source && !r.severity.empty())
        own = severity;
      if (r.score >= 0) {
        if (r.source == cv.source)
          own_score = std::max(own_score, r.score);
        best_score = std::max(best_score, r.score);
      }
    }
    finding.severity = own ? *own : worst.value_or(Severity::unknown);
    double score = own_score >= 0 ? own_score : best_score;
    if (score >= 0)
      finding.cvss = score;
  }

  ReportInfo &m_info;
  const FindingSink &m_sink;
  std::vector<ComponentInfo> m_component_stack;
  std::unordered_map<std::string, ComponentInfo> m_components;
  std::vector<CdxVulnerability> m_vulns;
  bool m_seen_bom_format = false;
  bool m_seen_vulnerabilities = false;
  std::string m_pair_first;
  std::string m_pair_second;
};

} // namespace

Result<ReportInfo> read_cyclonedx_report(ReportInput &input, const std::string &source_name, const FindingSink &sink)
{
  ReportInfo info;
  info.scanner = "cyclonedx";
  CycloneDxWalker walker(info, sink);
  RELGATE_ASSIGN_OR_RETURN(info.sha256,
                           walk_json(input, source_name, walker, "a CycloneDX JSON BOM with vulnerabilities[]"));
  info.bytes = input.size();
  return info;
}

} // namespace relgate::scan
