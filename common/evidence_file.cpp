// The evidence file as a whole: header (schema, subject, release) and records, to and from text.
#include "evidence.hpp"
#include "evidence_json_fields.hpp"

#include "digest.hpp"
#include "encoding.hpp"
#include "file_io.hpp"
#include "time_util.hpp"

#include <algorithm>

namespace relgate
{
namespace
{

constexpr std::string_view schema_prefix = "relgate.evidence/";

JsonDocument header_json(const EvidenceFile &file)
{
  JsonDocument doc(rapidjson::kObjectType);
  auto &alloc = doc.GetAllocator();
  set_member(doc, "schema", file.schema, alloc);
  JsonValue subject(rapidjson::kObjectType);
  set_member(subject, "name", file.subject.name, alloc);
  set_member(subject, "digest", file.subject.digest.str(), alloc);
  set_member(doc, "subject", std::move(subject), alloc);
  JsonValue release(rapidjson::kObjectType);
  set_member(release, "id", file.release_id, alloc);
  set_member(release, "created_at", file.created_at, alloc);
  // Only when recorded: files without it keep the genesis (and so every prev) they always had.
  if (!file.source_commit_time.empty())
    set_member(release, "source_commit_time", file.source_commit_time, alloc);
  set_member(doc, "release", std::move(release), alloc);
  return doc;
}

Result<void> check_schema(const JsonValue &root, const std::string &source)
{
  const JsonValue *schema = find_member(root, "schema");
  if (schema == nullptr || !schema->IsString()) {
    return make_error(source + ": not a relgate evidence file (no \"schema\" field; create one with "
                               "`evidence init --evidence FILE --subject NAME@DIGEST`)");
  }
  std::string_view name(schema->GetString(), schema->GetStringLength());
  if (name == evidence_schema)
    return ok_result();
  if (name == evidence_schema_v1) {
    // v1 signatures covered the record body only: a signed v1 file could be re-pointed at another
    // subject or have its records reordered. Migrating would launder that, so it is refused.
    return make_error(source + ": schema " + std::string(evidence_schema_v1) +
                      " was written by relgate 0.1, whose signatures do not cover the subject or the record's "
                      "place in the chain; this relgate reads " +
                      std::string(evidence_schema) +
                      " only. Start a new evidence file for the release (`evidence init`) and run its gates again");
  }
  if (name.substr(0, schema_prefix.size()) == schema_prefix) {
    return make_error(source + ": schema \"" + std::string(name) +
                      "\" was written by a newer relgate (this one reads " + std::string(evidence_schema) +
                      "; upgrade relgate)");
  }
  return make_error(source + ": schema \"" + std::string(name) + "\" is not a relgate evidence schema (expected " +
                    std::string(evidence_schema) + ")");
}

Result<Subject> parse_subject_object(const JsonValue &root, const std::string &source)
{
  const std::string where = source + ": subject";
  RELGATE_ASSIGN_OR_RETURN(const JsonValue *subject, required_member(root, "subject", source));
  if (!subject->IsObject())
    return make_error(where + ": must be an object with name and digest");
  RELGATE_TRY(check_object_keys(*subject, where, {"name", "digest"}));
  RELGATE_ASSIGN_OR_RETURN(std::string name, required_string(*subject, "name", where));
  RELGATE_ASSIGN_OR_RETURN(std::string digest_text, required_string(*subject, "digest", where));
  // Checked one field at a time so the message names the field that is wrong.
  if (!name.empty()) {
    if (auto valid = check_image_name(name); !valid)
      return make_error(where + ".name: " + valid.message());
  }
  auto subject_value = make_subject(name, digest_text);
  if (!subject_value)
    return make_error(where + ".digest: " + subject_value.message());
  return std::move(*subject_value);
}

} // namespace

Result<std::string> normalize_source_commit_time(std::string_view text)
{
  auto parsed = parse_rfc3339(text);
  if (!parsed) {
    return make_error("\"" + printable_excerpt(std::string(text)) + "\" is not an RFC 3339 time (" + parsed.message() +
                      "), e.g. 2026-11-17T09:00:00Z");
  }
  return format_rfc3339(*parsed);
}

std::string genesis_prev(const EvidenceFile &file)
{
  return "sha256:" + sha256_hex(to_canonical_json(header_json(file)));
}

std::string serialize_evidence(const EvidenceFile &file)
{
  JsonDocument doc = header_json(file);
  auto &alloc = doc.GetAllocator();
  JsonValue records(rapidjson::kArrayType);
  for (const auto &record : file.records) {
    records.PushBack(JsonValue(record_to_json(record), alloc), alloc);
  }
  set_member(doc, "records", std::move(records), alloc);
  return to_pretty_json(doc) + "\n";
}

Result<EvidenceFile> parse_evidence(std::string_view text, const std::string &source_name)
{
  auto parsed = parse_json(text, source_name);
  if (!parsed) {
    return make_error(parsed.message() + " (not an evidence file, or edited by hand)");
  }
  JsonDocument doc = std::move(*parsed);
  if (!doc.IsObject()) {
    return make_error(source_name + ": not a relgate evidence file (expected a JSON object; create one with "
                                    "`evidence init --evidence FILE --subject NAME@DIGEST`)");
  }
  RELGATE_TRY(check_schema(doc, source_name));
  RELGATE_TRY(check_object_keys(doc, source_name, {"schema", "subject", "release", "records"}));

  EvidenceFile file;
  RELGATE_ASSIGN_OR_RETURN(file.subject, parse_subject_object(doc, source_name));

  const std::string release_where = source_name + ": release";
  RELGATE_ASSIGN_OR_RETURN(const JsonValue *release, required_member(doc, "release", source_name));
  if (!release->IsObject())
    return make_error(release_where + ": must be an object with id and created_at");
  RELGATE_TRY(check_object_keys(*release, release_where, {"id", "created_at", "source_commit_time"}));
  RELGATE_ASSIGN_OR_RETURN(file.release_id, required_string(*release, "id", release_where));
  RELGATE_ASSIGN_OR_RETURN(file.created_at, required_string(*release, "created_at", release_where));
  if (find_member(*release, "source_commit_time") != nullptr) {
    RELGATE_ASSIGN_OR_RETURN(auto commit_time, required_string(*release, "source_commit_time", release_where));
    auto normalized = normalize_source_commit_time(commit_time);
    if (!normalized)
      return make_error(release_where + ".source_commit_time: " + normalized.message());
    // Exactly as relgate writes it: another spelling of the same time would change the genesis.
    if (*normalized != commit_time) {
      return make_error(release_where + ".source_commit_time: \"" + printable_excerpt(commit_time) +
                        "\" is not in the form relgate writes (" + *normalized + ")");
    }
    file.source_commit_time = commit_time;
  }

  RELGATE_ASSIGN_OR_RETURN(const JsonValue *records, required_member(doc, "records", source_name));
  if (!records->IsArray())
    return make_error(source_name + ": records: must be an array");
  file.records.reserve(records->Size());
  for (rapidjson::SizeType i = 0; i < records->Size(); ++i) {
    RELGATE_ASSIGN_OR_RETURN(EvidenceRecord record,
                             record_from_json((*records)[i], source_name + ": records[" + std::to_string(i) + "]"));
    file.records.push_back(std::move(record));
  }
  return file;
}

Result<EvidenceFile> load_evidence(const std::string &path)
{
  RELGATE_ASSIGN_OR_RETURN(std::string text, read_file(path, max_evidence_bytes, Symlinks::refuse));
  return parse_evidence(text, path);
}

std::string evidence_head(const EvidenceFile &file)
{
  return file.records.empty() ? std::string() : record_id(file.records.back());
}

Result<void> require_evidence_anchors(const EvidenceFile &file, const std::vector<std::string> &record_ids)
{
  std::vector<std::string> present;
  present.reserve(file.records.size());
  for (const auto &record : file.records)
    present.push_back(record_id(record));
  for (const auto &id : record_ids) {
    if (std::find(present.begin(), present.end(), id) == present.end()) {
      return make_error("evidence head " + id + " is not in the evidence (" + std::to_string(file.records.size()) +
                        " records): records a gate job published were cut off or the file was replaced; use the "
                        "evidence file that job wrote");
    }
  }
  return ok_result();
}

bool is_reserved_step_name(std::string_view step)
{
  static constexpr std::string_view reserved[] = {"verify-signature", "scan-gate", "slo-check", "promote",
                                                  "rollback",         "evidence",  "audit"};
  return std::find(std::begin(reserved), std::end(reserved), step) != std::end(reserved);
}

bool record_in_scope(const EvidenceRecord &record, std::string_view step, std::string_view env,
                     std::optional<int64_t> stage)
{
  // A scoped question needs a record with exactly that scope: a slo-check run without --env must
  // never pass for "slo-check@staging" or a prod canary stage.
  if (record.step != step)
    return false;
  if (!env.empty() && record.scope.env != env)
    return false;
  return !stage || record.scope.stage == stage;
}

const EvidenceRecord *find_latest_record(const EvidenceFile &file, std::string_view step, std::string_view env,
                                         std::optional<int64_t> stage)
{
  // Records are in chain order, newest last.
  for (auto it = file.records.rbegin(); it != file.records.rend(); ++it) {
    if (record_in_scope(*it, step, env, stage))
      return &*it;
  }
  return nullptr;
}

} // namespace relgate
