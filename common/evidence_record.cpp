// One evidence record <-> JSON, and the canonical bytes the chain and the signatures cover.
#include "evidence.hpp"
#include "evidence_json_fields.hpp"

#include "digest.hpp"
#include "encoding.hpp"
#include "time_util.hpp"

#include <algorithm>
#include <cmath>

namespace relgate
{
namespace
{

// What each view of a record leaves out: content (record_id) drops prev, signature and hash;
// signed drops signature and hash; chain drops hash; full drops nothing.
enum class RecordPart { full, chain, signed_content, content };

bool is_lower_hex(std::string_view text, std::size_t length)
{
  return text.size() == length &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Whole numbers written as 2.0 or 2 are the same value; JSON tools (jq) rewrite one as the
// other, so the canonical form uses the integer and such a rewrite does not break the chain.
void normalize_numbers(JsonValue &value)
{
  if (value.IsDouble()) {
    const double number = value.GetDouble();
    constexpr double exact_integer_limit = 9007199254740992.0; // 2^53
    if (std::isfinite(number) && std::trunc(number) == number && std::fabs(number) <= exact_integer_limit) {
      value.SetInt64(static_cast<int64_t>(number));
    }
  } else if (value.IsArray()) {
    for (auto &item : value.GetArray())
      normalize_numbers(item);
  } else if (value.IsObject()) {
    // Indexed: clang in C++20 mode finds rapidjson's mutable member iterator comparison ambiguous.
    for (rapidjson::SizeType i = 0; i < value.MemberCount(); ++i)
      normalize_numbers((value.MemberBegin() + i)->value);
  }
}

JsonValue normalized_copy(const JsonValue &source, JsonAllocator &alloc)
{
  JsonValue copy(source, alloc);
  normalize_numbers(copy);
  return copy;
}

JsonValue file_ref_json(const std::string &path, const std::string &sha256, JsonAllocator &alloc)
{
  JsonValue object(rapidjson::kObjectType);
  set_member(object, "path", path, alloc);
  set_member(object, "sha256", sha256, alloc);
  return object;
}

JsonDocument record_json(const EvidenceRecord &record, RecordPart part)
{
  JsonDocument doc(rapidjson::kObjectType);
  auto &alloc = doc.GetAllocator();
  set_member(doc, "step", record.step, alloc);
  set_member(doc, "decision", decision_name(record.decision), alloc);
  set_member(doc, "reasons", json_string_array(record.reasons, alloc), alloc);
  // A record built in code may leave summary unset: that is an empty summary.
  set_member(doc, "summary",
             record.summary.IsNull() ? JsonValue(rapidjson::kObjectType) : normalized_copy(record.summary, alloc),
             alloc);

  JsonValue scope(rapidjson::kObjectType);
  if (!record.scope.env.empty())
    set_member(scope, "env", record.scope.env, alloc);
  if (record.scope.stage)
    set_member(scope, "stage", JsonValue(*record.scope.stage), alloc);
  set_member(doc, "scope", std::move(scope), alloc);

  if (record.policy) {
    JsonValue policy = file_ref_json(record.policy->path, record.policy->sha256, alloc);
    set_member(policy, "version", JsonValue(record.policy->version), alloc);
    set_member(doc, "policy", std::move(policy), alloc);
  } else {
    set_member(doc, "policy", JsonValue(rapidjson::kNullType), alloc);
  }

  JsonValue inputs(rapidjson::kArrayType);
  for (const auto &input : record.inputs) {
    inputs.PushBack(file_ref_json(input.path, input.sha256, alloc), alloc);
  }
  set_member(doc, "inputs", std::move(inputs), alloc);

  JsonValue tool(rapidjson::kObjectType);
  set_member(tool, "name", "relgate", alloc);
  set_member(tool, "version", record.tool_version, alloc);
  set_member(doc, "tool", std::move(tool), alloc);

  set_member(doc, "started_at", record.started_at, alloc);
  set_member(doc, "duration_ms", JsonValue(record.duration_ms), alloc);
  set_member(doc, "ci", record.ci.IsObject() ? normalized_copy(record.ci, alloc) : JsonValue(rapidjson::kNullType),
             alloc);

  if (record.pinned_clock)
    set_member(doc, "pinned_clock", JsonValue(true), alloc);

  if (part == RecordPart::content)
    return doc;
  set_member(doc, "prev", record.prev, alloc);
  if (part == RecordPart::signed_content)
    return doc;
  if (record.signature) {
    JsonValue signature(rapidjson::kObjectType);
    set_member(signature, "key_id", record.signature->key_id, alloc);
    set_member(signature, "algorithm", record.signature->algorithm, alloc);
    set_member(signature, "value", record.signature->value, alloc);
    set_member(doc, "signature", std::move(signature), alloc);
  }
  if (part == RecordPart::chain)
    return doc;
  if (!record.hash.empty())
    set_member(doc, "hash", record.hash, alloc);
  return doc;
}

Result<FileRef> parse_file_ref(const JsonValue &value, const std::string &where,
                               std::initializer_list<std::string_view> extra_keys = {})
{
  if (!value.IsObject())
    return make_error(where + ": must be an object with path and sha256");
  std::vector<std::string_view> keys{"path", "sha256"};
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  RELGATE_TRY(check_object_keys(value, where, keys));
  RELGATE_ASSIGN_OR_RETURN(std::string path, required_string(value, "path", where));
  RELGATE_ASSIGN_OR_RETURN(std::string sha256, required_string(value, "sha256", where));
  if (!is_lower_hex(sha256, 64)) {
    return make_error(where + ".sha256: expected 64 lowercase hex characters, got \"" + sha256 + "\"");
  }
  return FileRef{std::move(path), std::move(sha256)};
}

Result<RecordSignature> parse_signature(const JsonValue &value, const std::string &where)
{
  if (!value.IsObject())
    return make_error(where + ": must be an object with key_id, algorithm and value");
  RELGATE_TRY(check_object_keys(value, where, {"key_id", "algorithm", "value"}));
  RecordSignature signature;
  RELGATE_ASSIGN_OR_RETURN(signature.key_id, required_string(value, "key_id", where));
  RELGATE_ASSIGN_OR_RETURN(signature.algorithm, required_string(value, "algorithm", where));
  RELGATE_ASSIGN_OR_RETURN(signature.value, required_string(value, "value", where));
  if (signature.algorithm != "ed25519" && signature.algorithm != "ecdsa-p256-sha256") {
    return make_error(where + ".algorithm: \"" + signature.algorithm +
                      "\" is not supported (expected ed25519 or ecdsa-p256-sha256)");
  }
  return signature;
}

} // namespace

JsonDocument record_to_json(const EvidenceRecord &record)
{
  return record_json(record, RecordPart::full);
}

std::string record_chain_bytes(const EvidenceRecord &record)
{
  return to_canonical_json(record_json(record, RecordPart::chain));
}

std::string record_signed_bytes(const EvidenceRecord &record)
{
  return dsse_pae(evidence_record_payload_type, to_canonical_json(record_json(record, RecordPart::signed_content)));
}

std::string record_id(const EvidenceRecord &record)
{
  return "sha256:" + sha256_hex(to_canonical_json(record_json(record, RecordPart::content)));
}

std::string record_hash(const EvidenceRecord &record)
{
  return "sha256:" + sha256_hex(record_chain_bytes(record));
}

EvidenceRecord copy_record(const EvidenceRecord &record)
{
  EvidenceRecord copy;
  copy.step = record.step;
  copy.decision = record.decision;
  copy.reasons = record.reasons;
  copy.summary.CopyFrom(record.summary, copy.summary.GetAllocator());
  copy.scope = record.scope;
  copy.policy = record.policy;
  copy.inputs = record.inputs;
  copy.tool_version = record.tool_version;
  copy.started_at = record.started_at;
  copy.duration_ms = record.duration_ms;
  copy.ci.CopyFrom(record.ci, copy.ci.GetAllocator());
  copy.pinned_clock = record.pinned_clock;
  copy.prev = record.prev;
  copy.signature = record.signature;
  copy.hash = record.hash;
  return copy;
}

Result<EvidenceRecord> record_from_json(const JsonValue &value, const std::string &where)
{
  if (!value.IsObject())
    return make_error(where + ": must be a JSON object");
  RELGATE_TRY(check_object_keys(value, where,
                                {"step", "decision", "reasons", "summary", "scope", "policy", "inputs", "tool",
                                 "started_at", "duration_ms", "ci", "pinned_clock", "prev", "signature", "hash"}));
  EvidenceRecord record;
  RELGATE_ASSIGN_OR_RETURN(record.step, required_string(value, "step", where));
  if (record.step.empty())
    return make_error(where + ".step: must not be empty");

  RELGATE_ASSIGN_OR_RETURN(std::string decision, required_string(value, "decision", where));
  auto parsed_decision = parse_decision(decision);
  if (!parsed_decision) {
    return make_error(where + ".decision: \"" + decision + "\" is not one of ALLOW, DENY, INCONCLUSIVE, ERROR");
  }
  record.decision = *parsed_decision;

  RELGATE_ASSIGN_OR_RETURN(const JsonValue *reasons, required_member(value, "reasons", where));
  if (!reasons->IsArray())
    return make_error(where + ".reasons: must be an array of strings");
  for (const auto &reason : reasons->GetArray()) {
    if (!reason.IsString())
      return make_error(where + ".reasons: must be an array of strings");
    record.reasons.emplace_back(reason.GetString(), reason.GetStringLength());
  }

  RELGATE_ASSIGN_OR_RETURN(const JsonValue *summary, required_member(value, "summary", where));
  if (!summary->IsObject())
    return make_error(where + ".summary: must be an object");
  record.summary.CopyFrom(*summary, record.summary.GetAllocator());

  RELGATE_ASSIGN_OR_RETURN(const JsonValue *scope, required_member(value, "scope", where));
  if (!scope->IsObject())
    return make_error(where + ".scope: must be an object (env, stage)");
  RELGATE_TRY(check_object_keys(*scope, where + ".scope", {"env", "stage"}));
  if (const JsonValue *env = find_member(*scope, "env")) {
    if (!env->IsString() || env->GetStringLength() == 0) {
      return make_error(where + ".scope.env: must be a non-empty string (omit it for any environment)");
    }
    record.scope.env = env->GetString();
  }
  if (const JsonValue *stage = find_member(*scope, "stage")) {
    if (!stage->IsInt64())
      return make_error(where + ".scope.stage: must be an integer");
    record.scope.stage = stage->GetInt64();
  }

  RELGATE_ASSIGN_OR_RETURN(const JsonValue *policy, required_member(value, "policy", where));
  if (!policy->IsNull()) {
    RELGATE_ASSIGN_OR_RETURN(FileRef ref, parse_file_ref(*policy, where + ".policy", {"version"}));
    const JsonValue *version = find_member(*policy, "version");
    if (version == nullptr || !version->IsInt64()) {
      return make_error(where + ".policy.version: must be an integer (the policy's own version key)");
    }
    record.policy = PolicyRef{std::move(ref.path), std::move(ref.sha256), version->GetInt64()};
  }

  RELGATE_ASSIGN_OR_RETURN(const JsonValue *inputs, required_member(value, "inputs", where));
  if (!inputs->IsArray())
    return make_error(where + ".inputs: must be an array of {path, sha256}");
  for (rapidjson::SizeType i = 0; i < inputs->Size(); ++i) {
    RELGATE_ASSIGN_OR_RETURN(FileRef ref, parse_file_ref((*inputs)[i], where + ".inputs[" + std::to_string(i) + "]"));
    record.inputs.push_back(std::move(ref));
  }

  RELGATE_ASSIGN_OR_RETURN(const JsonValue *tool, required_member(value, "tool", where));
  if (!tool->IsObject())
    return make_error(where + ".tool: must be an object (name, version)");
  RELGATE_TRY(check_object_keys(*tool, where + ".tool", {"name", "version"}));
  RELGATE_ASSIGN_OR_RETURN(std::string tool_name, required_string(*tool, "name", where + ".tool"));
  if (tool_name != "relgate")
    return make_error(where + ".tool.name: must be \"relgate\"");
  RELGATE_ASSIGN_OR_RETURN(record.tool_version, required_string(*tool, "version", where + ".tool"));

  RELGATE_ASSIGN_OR_RETURN(record.started_at, required_string(value, "started_at", where));
  if (!parse_rfc3339(record.started_at)) {
    return make_error(where + ".started_at: \"" + record.started_at +
                      "\" is not an RFC 3339 time (e.g. 2026-02-11T09:30:00Z)");
  }
  RELGATE_ASSIGN_OR_RETURN(const JsonValue *duration, required_member(value, "duration_ms", where));
  if (!duration->IsInt64() || duration->GetInt64() < 0) {
    return make_error(where + ".duration_ms: must be a non-negative integer");
  }
  record.duration_ms = duration->GetInt64();

  RELGATE_ASSIGN_OR_RETURN(const JsonValue *ci, required_member(value, "ci", where));
  if (!ci->IsNull() && !ci->IsObject())
    return make_error(where + ".ci: must be an object or null");
  record.ci.CopyFrom(*ci, record.ci.GetAllocator());
  if (const JsonValue *pinned = find_member(value, "pinned_clock")) {
    if (!pinned->IsTrue())
      return make_error(where + ".pinned_clock: must be true when present (omit it otherwise)");
    record.pinned_clock = true;
  }

  RELGATE_ASSIGN_OR_RETURN(record.prev, required_string(value, "prev", where));
  if (const JsonValue *signature = find_member(value, "signature")) {
    RELGATE_ASSIGN_OR_RETURN(RecordSignature parsed, parse_signature(*signature, where + ".signature"));
    record.signature = std::move(parsed);
  }
  RELGATE_ASSIGN_OR_RETURN(record.hash, required_string(value, "hash", where));
  return record;
}

} // namespace relgate
