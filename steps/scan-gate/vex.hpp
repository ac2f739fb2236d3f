// VEX: OpenVEX (v0.x) and CycloneDX VEX. A statement names a vulnerability (id or alias) and
// products (purls); `not_affected` (with a justification) and `fixed` suppress a finding
// (CycloneDX: not_affected, false_positive, resolved, resolved_with_pedigree). The last statement
// that matches wins, in document order and then file order, so a later `affected` undoes it.
#pragma once

#include "finding.hpp"
#include "json.hpp"
#include "report_reader.hpp"
#include "result.hpp"

#include <string>
#include <unordered_map>
#include <vector>

namespace relgate::scan
{

struct VexStatement {
  std::vector<std::string> vulnerability_ids; // name and aliases
  std::vector<std::string> products;          // purls (product, subcomponents), or bare names
  std::string status;                         // normalised: not_affected, fixed, affected, under_investigation, ...
  std::string justification;
  std::string source; // "file.json statements[3]"
  bool suppresses = false;
};

class VexSet
{
public:
  // Parses one VEX document (kind detected from its keys) and adds its statements.
  Result<void> add_document(std::string_view text, const std::string &source_name);

  // The statement that decides for this finding, or nullptr.
  const VexStatement *match(const Finding &finding) const;

  std::size_t statement_count() const { return m_statements.size(); }
  std::size_t ignored_without_products() const { return m_without_products; }

private:
  Result<void> add_openvex(const JsonDocument &document, const std::string &source_name);
  Result<void> add_cyclonedx(const JsonDocument &document, const std::string &source_name);
  void index_last();

  std::vector<VexStatement> m_statements;
  std::unordered_map<std::string, std::vector<std::size_t>> m_by_id;
  std::size_t m_without_products = 0;
};

// A product id (purl or name) matches a finding's package: type, namespace and name equal; the
// version only when the product names one; qualifiers ignored.
bool product_matches(std::string_view product, const Finding &finding);

} // namespace relgate::scan
