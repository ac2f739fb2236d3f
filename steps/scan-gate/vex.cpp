#include "vex.hpp"

#include "json.hpp"

#include <algorithm>

namespace relgate::scan
{

namespace
{

std::string str_or_empty(const JsonValue &object, const char *key)
{
  auto member = object.FindMember(key);
  if (member == object.MemberEnd() || !member->value.IsString())
    return {};
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

void add_product(const JsonValue &product, std::vector<std::string> &products)
{
  if (product.IsString()) {
    products.emplace_back(product.GetString(), product.GetStringLength());
    return;
  }
  if (!product.IsObject())
    return;
  std::string id = str_or_empty(product, "@id");
  if (!id.empty())
    products.push_back(id);
  auto identifiers = product.FindMember("identifiers");
  if (identifiers != product.MemberEnd() && identifiers->value.IsObject()) {
    std::string purl = str_or_empty(identifiers->value, "purl");
    if (!purl.empty() && purl != id)
      products.push_back(purl);
  }
  auto subcomponents = product.FindMember("subcomponents");
  if (subcomponents != product.MemberEnd() && subcomponents->value.IsArray()) {
    for (const auto &sub : subcomponents->value.GetArray())
      add_product(sub, products);
  }
}

} // namespace

bool product_matches(std::string_view product, const Finding &finding)
{
  auto wanted = parse_purl(product);
  if (!wanted) {
    // A bare name (some hand-written VEX): compare with the package name.
    return !product.empty() && product == finding.package;
  }
  auto have = parse_purl(finding.purl);
  if (have) {
    if (have->type != wanted->type || have->namespace_ != wanted->namespace_ || have->name != wanted->name)
      return false;
    return wanted->version.empty() || wanted->version == have->version;
  }
  // The report gave no purl (SARIF): fall back to name and installed version.
  std::string full = wanted->namespace_.empty() ? wanted->name : wanted->namespace_ + "/" + wanted->name;
  if (finding.package != wanted->name && finding.package != full)
    return false;
  return wanted->version.empty() || wanted->version == finding.version;
}

Result<void> VexSet::add_document(std::string_view text, const std::string &source_name)
{
  RELGATE_ASSIGN_OR_RETURN(JsonDocument document, parse_json(text, source_name));
  if (!document.IsObject()) {
    return make_error(source_name + ": a VEX document must be a JSON object (OpenVEX or CycloneDX VEX)");
  }
  if (document.HasMember("statements"))
    return add_openvex(document, source_name);
  if (document.HasMember("bomFormat") || document.HasMember("vulnerabilities"))
    return add_cyclonedx(document, source_name);
  return make_error(source_name + ": not a VEX document: expected OpenVEX (statements[]) or CycloneDX VEX "
                                  "(vulnerabilities[] with analysis)");
}

Result<void> VexSet::add_openvex(const JsonDocument &document, const std::string &source_name)
{
  const JsonValue &statements = document["statements"];
  if (!statements.IsArray())
    return make_error(source_name + ": statements must be an array");
  std::size_t index = 0;
  for (const auto &statement : statements.GetArray()) {
    std::string where = source_name + " statements[" + std::to_string(index++) + "]";
    if (!statement.IsObject())
      return make_error(where + ": must be an object");
    VexStatement parsed;
    parsed.source = where;
    auto vulnerability = statement.FindMember("vulnerability");
    if (vulnerability != statement.MemberEnd() && vulnerability->value.IsString()) {
      parsed.vulnerability_ids.emplace_back(vulnerability->value.GetString());
    } else if (vulnerability != statement.MemberEnd() && vulnerability->value.IsObject()) {
      std::string name = str_or_empty(vulnerability->value, "name");
      if (!name.empty())
        parsed.vulnerability_ids.push_back(name);
      auto aliases = vulnerability->value.FindMember("aliases");
      if (aliases != vulnerability->value.MemberEnd() && aliases->value.IsArray()) {
        for (const auto &alias : aliases->value.GetArray()) {
          if (alias.IsString())
            parsed.vulnerability_ids.emplace_back(alias.GetString());
        }
      }
    }
    if (parsed.vulnerability_ids.empty()) {
      return make_error(where + ": vulnerability.name is missing (OpenVEX needs the vulnerability id)");
    }
    parsed.status = str_or_empty(statement, "status");
    if (parsed.status.empty()) {
      return make_error(where + ": status is missing; expected not_affected, affected, fixed or under_investigation");
    }
    parsed.justification = str_or_empty(statement, "justification");
    if (parsed.status == "not_affected" && parsed.justification.empty()) {
      std::string impact = str_or_empty(statement, "impact_statement");
      if (impact.empty()) {
        return make_error(where + ": not_affected needs a justification or an impact_statement (OpenVEX spec); "
                                  "add one, e.g. \"justification\": \"vulnerable_code_not_in_execute_path\"");
      }
      parsed.justification = "impact statement: " + impact;
    }
    parsed.suppresses = parsed.status == "not_affected" || parsed.status == "fixed";
    auto products = statement.FindMember("products");
    if (products != statement.MemberEnd() && products->value.IsArray()) {
      for (const auto &product : products->value.GetArray())
        add_product(product, parsed.products);
    }
    if (parsed.products.empty()) {
      ++m_without_products; // a statement for no product suppresses nothing
      continue;
    }
    m_statements.push_back(std::move(parsed));
    index_last();
  }
  return ok_result();
}

Result<void> VexSet::add_cyclonedx(const JsonDocument &document, const std::string &source_name)
{
  // bom-ref -> purl, for affects[].ref written as a bom-ref or a BOM-link (urn:cdx:...#ref).
  std::unordered_map<std::string, std::string> purl_by_ref;
  auto components = document.FindMember("components");
  if (components != document.MemberEnd() && components->value.IsArray()) {
    for (const auto &component : components->value.GetArray()) {
      if (!component.IsObject())
        continue;
      std::string ref = str_or_empty(component, "bom-ref");
      std::string purl = str_or_empty(component, "purl");
      if (!ref.empty() && !purl.empty())
        purl_by_ref[ref] = purl;
    }
  }
  auto vulnerabilities = document.FindMember("vulnerabilities");
  if (vulnerabilities == document.MemberEnd() || !vulnerabilities->value.IsArray()) {
    return make_error(source_name + ": vulnerabilities must be an array (CycloneDX VEX)");
  }
  std::size_t index = 0;
  for (const auto &vulnerability : vulnerabilities->value.GetArray()) {
    std::string where = source_name + " vulnerabilities[" + std::to_string(index++) + "]";
    if (!vulnerability.IsObject())
      return make_error(where + ": must be an object");
    VexStatement parsed;
    parsed.source = where;
    std::string id = str_or_empty(vulnerability, "id");
    if (id.empty())
      return make_error(where + ": id is missing");
    parsed.vulnerability_ids.push_back(id);
    auto references = vulnerability.FindMember("references");
    if (references != vulnerability.MemberEnd() && references->value.IsArray()) {
      for (const auto &reference : references->value.GetArray()) {
        if (reference.IsObject()) {
          std::string alias = str_or_empty(reference, "id");
          if (!alias.empty())
            parsed.vulnerability_ids.push_back(alias);
        }
      }
    }
    auto analysis = vulnerability.FindMember("analysis");
    if (analysis == vulnerability.MemberEnd() || !analysis->value.IsObject())
      continue; // a finding, not a statement
    parsed.status = str_or_empty(analysis->value, "state");
    parsed.justification = str_or_empty(analysis->value, "justification");
    if (parsed.status == "not_affected" && parsed.justification.empty()) {
      std::string detail = str_or_empty(analysis->value, "detail");
      if (detail.empty()) {
        return make_error(where + ": analysis.state not_affected needs analysis.justification (or detail), "
                                  "e.g. \"code_not_reachable\"");
      }
      parsed.justification = "detail: " + detail;
    }
    const std::string &s = parsed.status;
    parsed.suppresses =
        s == "not_affected" || s == "false_positive" || s == "resolved" || s == "resolved_with_pedigree";
    auto affects = vulnerability.FindMember("affects");
    if (affects != vulnerability.MemberEnd() && affects->value.IsArray()) {
      for (const auto &affect : affects->value.GetArray()) {
        if (!affect.IsObject())
          continue;
        std::string ref = str_or_empty(affect, "ref");
        std::size_t hash = ref.rfind('#');
        if (ref.rfind("urn:cdx:", 0) == 0 && hash != std::string::npos)
          ref = ref.substr(hash + 1);
        auto found = purl_by_ref.find(ref);
        if (found != purl_by_ref.end())
          ref = found->second;
        if (!ref.empty())
          parsed.products.push_back(ref);
      }
    }
    if (parsed.products.empty()) {
      ++m_without_products;
      continue;
    }
    m_statements.push_back(std::move(parsed));
    index_last();
  }
  return ok_result();
}

void VexSet::index_last()
{
  std::size_t position = m_statements.size() - 1;
  for (const auto &id : m_statements.back().vulnerability_ids) {
    auto &list = m_by_id[id];
    if (list.empty() || list.back() != position)
      list.push_back(position);
  }
}

const VexStatement *VexSet::match(const Finding &finding) const
{
  const VexStatement *decided = nullptr;
  std::size_t decided_at = 0;
  auto consider = [&](const std::string &id) {
    auto found = m_by_id.find(id);
    if (found == m_by_id.end())
      return;
    for (std::size_t position : found->second) {
      if (decided && position < decided_at)
        continue;
      const VexStatement &statement = m_statements[position];
      bool applies = std::any_of(statement.products.begin(), statement.products.end(),
                                 [&](const std::string &product) { return product_matches(product, finding); });
      if (applies) {
        decided = &statement;
        decided_at = position;
      }
    }
  };
  consider(finding.id);
  for (const auto &alias : finding.aliases)
    consider(alias);
  return decided;
}

} // namespace relgate::scan
