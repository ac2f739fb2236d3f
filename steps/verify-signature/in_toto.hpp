// in-toto Statements (v1 and v0.1) and the SLSA provenance facts a gate checks (v1 and v0.2):
// builder id, build type, source repository and ref.
#pragma once

#include "digest.hpp"
#include "json.hpp"
#include "result.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::sig
{

struct StatementSubject {
  std::string name;
  std::map<std::string, std::string> digests; // algorithm -> lowercase hex
};

struct Statement {
  std::string type;
  std::vector<StatementSubject> subjects;
  std::string predicate_type;
  std::shared_ptr<JsonDocument> document; // the whole statement, for predicate fields
};

constexpr std::string_view in_toto_payload_type = "application/vnd.in-toto+json";
// The predicate types provenance facts are read from; any other type satisfies no builder, build
// type or source requirement (slsa-verifier reads provenance from SLSA predicates only).
constexpr std::string_view slsa_provenance_v1 = "https://slsa.dev/provenance/v1";
constexpr std::string_view slsa_provenance_v02 = "https://slsa.dev/provenance/v0.2";

Result<Statement> parse_statement(std::string_view payload, const std::string &source);
bool statement_covers(const Statement &statement, const Digest &digest);

struct ProvenanceFacts {
  std::string builder_id;
  std::string build_type;
  std::string source_repository; // normalised: "github.com/owner/repo"
  std::string source_ref;        // "refs/tags/v1.2.3"
};

// SLSA v1 (buildDefinition/runDetails) or v0.2 (builder/invocation.configSource); empty for others.
ProvenanceFacts provenance_facts(const Statement &statement);
// "git+https://github.com/a/b.git@refs/x" -> "github.com/a/b"
std::string normalize_repository(std::string_view uri);

struct ProvenanceRequirements {
  std::vector<std::string> predicate_types;
  std::vector<std::string> builder_ids; // exact; ending in '@': any refs/tags/... of it; in '/': a prefix
  std::vector<std::string> build_types;
  std::string source_repository; // "" = any
  std::string source_ref;        // "" = any
  bool any() const;
};

// One reason per failed requirement, with expected vs actual.
std::vector<std::string> check_provenance(const Statement &statement, const ProvenanceRequirements &required);

} // namespace relgate::sig
