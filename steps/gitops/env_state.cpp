#include "env_state.hpp"

#include "digest.hpp"
#include "evidence_json_fields.hpp"
#include "file_io.hpp"
#include "json.hpp"
#include "release_id.hpp"
#include "repo_layout.hpp"
#include "subject.hpp"

namespace relgate::gitops
{
namespace
{

JsonValue release_json(const ReleaseRef &ref, JsonAllocator &allocator)
{
  JsonValue object(rapidjson::kObjectType);
  set_member(object, "release", ref.release_id, allocator);
  set_member(object, "digest", ref.digest, allocator);
  set_member(object, "since", ref.since, allocator);
  return object;
}

Result<std::optional<ReleaseRef>> release_from_json(const JsonValue &root, std::string_view key,
                                                    const std::string &where)
{
  const JsonValue *value = find_member(root, key);
  if (value == nullptr || value->IsNull())
    return std::optional<ReleaseRef>();
  auto field = where + ": ." + std::string(key);
  if (!value->IsObject())
    return make_error(field + ": expected an object or null");
  RELGATE_TRY(check_object_keys(*value, field, {"release", "digest", "since"}));
  ReleaseRef ref;
  auto release = get_string(*value, "release");
  auto digest = get_string(*value, "digest");
  auto since = get_string(*value, "since");
  if (!release || !digest || !since) {
    return make_error(field + ": needs string fields release, digest and since");
  }
  auto parsed = parse_digest(*digest);
  if (!parsed)
    return make_error(field + ".digest: " + parsed.message());
  if (parsed->algorithm != HashAlgorithm::sha256)
    return make_error(field + ".digest: only sha256 digests are promoted; restore the file from git history");
  auto id = parse_release_id(*release);
  if (!id)
    return make_error(field + ".release: " + id.message());
  ref.release_id = *release;
  ref.digest = *digest;
  ref.since = *since;
  return std::optional<ReleaseRef>(std::move(ref));
}

} // namespace

std::string serialize_state(const EnvState &state)
{
  JsonDocument doc(rapidjson::kObjectType);
  auto &allocator = doc.GetAllocator();
  set_member(doc, "schema", state_schema_v1, allocator);
  if (!state.app.empty())
    set_member(doc, "app", state.app, allocator);
  set_member(doc, "env", state.env, allocator);
  set_member(doc, "image", state.image, allocator);
  set_member(doc, "stable", state.stable ? release_json(*state.stable, allocator) : JsonValue(), allocator);
  set_member(doc, "canary", state.canary ? release_json(*state.canary, allocator) : JsonValue(), allocator);
  set_member(doc, "canary_weight", JsonValue(static_cast<int64_t>(state.canary_weight)), allocator);
  set_member(doc, "ledger_seq", JsonValue(static_cast<int64_t>(state.ledger_seq)), allocator);
  set_member(doc, "updated_at", state.updated_at, allocator);
  return to_pretty_json(doc) + "\n";
}

Result<EnvState> parse_state(std::string_view text, const std::string &source_name)
{
  RELGATE_ASSIGN_OR_RETURN(auto doc, parse_json(text, source_name));
  if (!doc.IsObject())
    return make_error(source_name + ": expected a JSON object (relgate state file)");
  auto schema = get_string(doc, "schema");
  if (!schema || *schema != state_schema_v1) {
    return make_error(source_name + ": .schema is '" + schema.value_or("") + "', expected '" +
                      std::string(state_schema_v1) + "' (written by a newer relgate? upgrade)");
  }
  // Strict like the evidence: relgate rewrites this file from what it parsed, so a member it does
  // not know would vanish unseen on the next promotion (or steer a newer reader of the same repo).
  RELGATE_TRY(check_object_keys(
      doc, source_name,
      {"schema", "app", "env", "image", "stable", "canary", "canary_weight", "ledger_seq", "updated_at"}));
  EnvState state;
  auto env = get_string(doc, "env");
  auto image = get_string(doc, "image");
  auto weight = get_int64(doc, "canary_weight");
  auto seq = get_int64(doc, "ledger_seq");
  if (!env || !image || !weight || !seq) {
    return make_error(source_name + ": needs env, image (strings), canary_weight and ledger_seq (integers)");
  }
  state.env = *env;
  state.image = *image;
  if (const JsonValue *app = find_member(doc, "app"); app != nullptr) {
    if (!app->IsString() || !validate_app_name(std::string_view(app->GetString(), app->GetStringLength())))
      return make_error(source_name + ": .app must be an application name; restore the file from git history");
    state.app.assign(app->GetString(), app->GetStringLength());
  }
  // The repository is data: check_image_name escapes the name in its message (it may hold a newline).
  if (auto valid_image = check_image_name(state.image); !valid_image)
    return make_error(source_name + ": .image: " + valid_image.message());
  state.canary_weight = *weight;
  state.ledger_seq = *seq;
  state.updated_at = get_string(doc, "updated_at").value_or("");
  RELGATE_ASSIGN_OR_RETURN(state.stable, release_from_json(doc, "stable", source_name));
  RELGATE_ASSIGN_OR_RETURN(state.canary, release_from_json(doc, "canary", source_name));
  if (state.canary_weight < 0 || state.canary_weight > 100 || (state.canary && state.canary_weight == 0) ||
      (!state.canary && state.canary_weight != 0)) {
    return make_error(source_name + ": .canary_weight " + std::to_string(state.canary_weight) +
                      " does not match .canary (expected 1..99 with a canary, 0 without)");
  }
  if (state.ledger_seq < 0)
    return make_error(source_name + ": .ledger_seq must be >= 0");
  return state;
}

Result<std::optional<EnvState>> load_state(const std::string &repo, const std::string &app, const std::string &env)
{
  RELGATE_TRY(validate_app_name(app));
  RELGATE_TRY(validate_env_name(env));
  RELGATE_ASSIGN_OR_RETURN(auto path, safe_path(repo, env_paths(app, env).state));
  if (!file_exists(path))
    return std::optional<EnvState>();
  RELGATE_ASSIGN_OR_RETURN(auto text, read_file(path));
  RELGATE_ASSIGN_OR_RETURN(auto state, parse_state(text, path));
  if (state.env != env) {
    return make_error(path + ": .env is '" + state.env + "' but the file belongs to '" + env +
                      "': restore it from git history");
  }
  if (!state.app.empty() && state.app != app) {
    return make_error(path + ": .app is '" + state.app + "' but the file belongs to application '" + app +
                      "': restore it from git history");
  }
  state.app = app; // the next write records it
  return std::optional<EnvState>(std::move(state));
}

} // namespace relgate::gitops
