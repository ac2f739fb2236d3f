#include "in_toto.hpp"
#include "encoding.hpp"
#include "text_join.hpp"
#include "unique_json.hpp"

#include <algorithm>

namespace relgate::sig
{

namespace
{

std::string lowercase(std::string text)
{
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string string_at(const JsonValue &root, std::initializer_list<std::string_view> path)
{
  const JsonValue *node = &root;
  for (std::string_view key : path) {
    if (!node->IsObject())
      return {};
    node = find_member(*node, key);
    if (node == nullptr)
      return {};
  }
  return node->IsString() ? std::string(node->GetString(), node->GetStringLength()) : std::string();
}

bool builder_matches(const std::string &actual, const std::string &wanted)
{
  if (wanted.empty() || actual.rfind(wanted, 0) != 0)
    return false;
  // "https://github.com/org/builder.yml@" trusts every release of that builder: a tag, never a
  // branch, a bare commit (GitHub resolves a fork's commit through the parent: imposter commits)
  // or no ref at all.
  if (wanted.back() == '@') {
    constexpr std::string_view tags = "refs/tags/";
    std::string_view ref = std::string_view(actual).substr(wanted.size());
    return ref.size() > tags.size() && ref.substr(0, tags.size()) == tags;
  }
  return actual.size() == wanted.size() || wanted.back() == '/';
}

} // namespace

Result<Statement> parse_statement(std::string_view payload, const std::string &source)
{
  RELGATE_ASSIGN_OR_RETURN(auto document, parse_unique_json(payload, source));
  if (!document.IsObject())
    return make_error(source + ": in-toto statement is not a JSON object");
  Statement statement;
  statement.type = get_string(document, "_type").value_or("");
  if (statement.type != "https://in-toto.io/Statement/v1" && statement.type != "https://in-toto.io/Statement/v0.1") {
    return make_error(source + ": _type '" + printable_excerpt(statement.type) +
                      "' is not an in-toto Statement (https://in-toto.io/Statement/v1 or /v0.1)");
  }
  statement.predicate_type = get_string(document, "predicateType").value_or("");
  const JsonValue *subjects = find_member(document, "subject");
  if (subjects == nullptr || !subjects->IsArray() || subjects->Empty()) {
    return make_error(source + ": subject: expected a non-empty array");
  }
  for (const JsonValue &item : subjects->GetArray()) {
    if (!item.IsObject())
      return make_error(source + ": subject: entries must be objects");
    StatementSubject subject;
    subject.name = get_string(item, "name").value_or("");
    const JsonValue *digests = find_member(item, "digest");
    if (digests != nullptr && digests->IsObject()) {
      for (const auto &member : digests->GetObject()) {
        if (member.value.IsString()) {
          subject.digests[lowercase(member.name.GetString())] = lowercase(member.value.GetString());
        }
      }
    }
    statement.subjects.push_back(std::move(subject));
  }
  statement.document = std::make_shared<JsonDocument>(std::move(document));
  return statement;
}

bool statement_covers(const Statement &statement, const Digest &digest)
{
  std::string algorithm(hash_algorithm_name(digest.algorithm));
  for (const auto &subject : statement.subjects) {
    auto found = subject.digests.find(algorithm);
    if (found != subject.digests.end() && found->second == digest.hex)
      return true;
  }
  return false;
}

std::string normalize_repository(std::string_view uri)
{
  std::string text(uri);
  if (text.rfind("git+", 0) == 0)
    text.erase(0, 4);
  std::size_t scheme = text.find("://");
  if (scheme != std::string::npos)
    text.erase(0, scheme + 3);
  std::size_t at = text.find('@');
  if (at != std::string::npos)
    text.erase(at);
  if (text.size() > 4 && text.compare(text.size() - 4, 4, ".git") == 0)
    text.erase(text.size() - 4);
  while (!text.empty() && text.back() == '/')
    text.pop_back();
  return text;
}

ProvenanceFacts provenance_facts(const Statement &statement)
{
  ProvenanceFacts facts;
  const JsonValue *predicate = find_member(*statement.document, "predicate");
  if (predicate == nullptr || !predicate->IsObject())
    return facts;
  auto ref_of_uri = [](const std::string &uri) {
    std::size_t at = uri.find('@');
    return at == std::string::npos ? std::string() : uri.substr(at + 1);
  };
  if (statement.predicate_type == slsa_provenance_v1) {
    facts.builder_id = string_at(*predicate, {"runDetails", "builder", "id"});
    facts.build_type = string_at(*predicate, {"buildDefinition", "buildType"});
    std::string repository = string_at(*predicate, {"buildDefinition", "externalParameters", "workflow", "repository"});
    facts.source_ref = string_at(*predicate, {"buildDefinition", "externalParameters", "workflow", "ref"});
    const JsonValue *definition = find_member(*predicate, "buildDefinition");
    const JsonValue *dependencies = definition != nullptr ? find_member(*definition, "resolvedDependencies") : nullptr;
    if (repository.empty() && dependencies != nullptr && dependencies->IsArray() && !dependencies->Empty()) {
      std::string uri = string_at((*dependencies)[0], {"uri"});
      repository = uri;
      if (facts.source_ref.empty())
        facts.source_ref = ref_of_uri(uri);
    }
    facts.source_repository = normalize_repository(repository);
  } else if (statement.predicate_type == slsa_provenance_v02) {
    facts.builder_id = string_at(*predicate, {"builder", "id"});
    facts.build_type = string_at(*predicate, {"buildType"});
    std::string uri = string_at(*predicate, {"invocation", "configSource", "uri"});
    facts.source_repository = normalize_repository(uri);
    facts.source_ref = ref_of_uri(uri);
  }
  return facts;
}

bool ProvenanceRequirements::any() const
{
  return !predicate_types.empty() || !builder_ids.empty() || !build_types.empty() || !source_repository.empty() ||
         !source_ref.empty();
}

std::vector<std::string> check_provenance(const Statement &statement, const ProvenanceRequirements &required)
{
  std::vector<std::string> failures;
  if (!required.predicate_types.empty() && std::find(required.predicate_types.begin(), required.predicate_types.end(),
                                                     statement.predicate_type) == required.predicate_types.end()) {
    failures.push_back("predicate type " + printable_excerpt(statement.predicate_type) +
                       " is not one of: " + join(required.predicate_types, ", "));
    return failures; // the other fields mean nothing in an unexpected predicate
  }
  bool wants_facts = !required.builder_ids.empty() || !required.build_types.empty() ||
                     !required.source_repository.empty() || !required.source_ref.empty();
  if (wants_facts && statement.predicate_type != slsa_provenance_v1 &&
      statement.predicate_type != slsa_provenance_v02) {
    // Another predicate (a custom one is the producer's own JSON) may carry look-alike fields.
    failures.push_back(
        "predicate type " + printable_excerpt(statement.predicate_type) + " is not SLSA provenance (" +
        std::string(slsa_provenance_v1) + " or " + std::string(slsa_provenance_v02) +
        "): the policy's builder, build type and source requirements are read only from SLSA provenance");
    return failures;
  }
  ProvenanceFacts facts = provenance_facts(statement);
  if (!required.builder_ids.empty() &&
      std::none_of(required.builder_ids.begin(), required.builder_ids.end(),
                   [&](const std::string &wanted) { return builder_matches(facts.builder_id, wanted); })) {
    failures.push_back("builder.id '" + printable_excerpt(facts.builder_id) + "' is not trusted (expected " +
                       join(required.builder_ids, ", ") + ")");
  }
  if (!required.build_types.empty() && std::find(required.build_types.begin(), required.build_types.end(),
                                                 facts.build_type) == required.build_types.end()) {
    failures.push_back("buildType '" + printable_excerpt(facts.build_type) +
                       "' is not one of: " + join(required.build_types, ", "));
  }
  if (!required.source_repository.empty() &&
      normalize_repository(required.source_repository) != facts.source_repository) {
    failures.push_back("source repository '" + printable_excerpt(facts.source_repository) +
                       "' differs from the expected '" + normalize_repository(required.source_repository) + "'");
  }
  if (!required.source_ref.empty() && required.source_ref != facts.source_ref) {
    failures.push_back("source ref '" + printable_excerpt(facts.source_ref) + "' differs from the expected '" +
                       required.source_ref + "'");
  }
  return failures;
}

} // namespace relgate::sig
