#include "release_index.hpp"

#include "digest.hpp"
#include "evidence_json_fields.hpp"
#include "file_io.hpp"
#include "json.hpp"
#include "release_id.hpp"
#include "repo_layout.hpp"

#include <algorithm>

namespace relgate::gitops
{

std::string serialize_releases_index(const ReleasesIndex &index)
{
  JsonDocument doc(rapidjson::kObjectType);
  auto &allocator = doc.GetAllocator();
  set_member(doc, "schema", "relgate.releases/v1", allocator);
  set_member(doc, "last_release", index.last_release_id, allocator);
  JsonValue rejected(rapidjson::kObjectType);
  for (const auto &[digest, entry] : index.rejected) {
    JsonValue item(rapidjson::kObjectType);
    set_member(item, "release", entry.release_id, allocator);
    set_member(item, "env", entry.env, allocator);
    set_member(item, "reason", entry.reason, allocator);
    set_member(item, "time", entry.time, allocator);
    set_member(rejected, digest, std::move(item), allocator);
  }
  set_member(doc, "rejected", std::move(rejected), allocator);
  JsonValue ids(rapidjson::kObjectType);
  for (const auto &[id, digest] : index.release_digests)
    set_member(ids, id, digest, allocator);
  set_member(doc, "release_digests", std::move(ids), allocator);
  return to_pretty_json(doc) + "\n";
}

Result<ReleasesIndex> parse_releases_index(std::string_view text, const std::string &source_name)
{
  RELGATE_ASSIGN_OR_RETURN(auto doc, parse_json(text, source_name));
  if (!doc.IsObject() || get_string(doc, "schema").value_or("") != "relgate.releases/v1") {
    return make_error(source_name + ": expected an object with .schema 'relgate.releases/v1'");
  }
  // Strict like the evidence: relgate rewrites this file from what it parsed, so a member it does
  // not know would vanish unseen on the next promotion (or steer a newer reader of the same repo).
  RELGATE_TRY(check_object_keys(doc, source_name, {"schema", "last_release", "rejected", "release_digests"}));
  ReleasesIndex index;
  index.last_release_id = get_string(doc, "last_release").value_or("");
  const JsonValue *rejected = find_member(doc, "rejected");
  if (rejected != nullptr) {
    if (!rejected->IsObject())
      return make_error(source_name + ": .rejected must be an object keyed by digest");
    for (const auto &member : rejected->GetObject()) {
      if (!member.value.IsObject())
        return make_error(source_name + ": .rejected entries must be objects");
      std::string digest(member.name.GetString(), member.name.GetStringLength());
      RELGATE_TRY(check_object_keys(member.value, source_name + ": .rejected['" + digest + "']",
                                    {"release", "env", "reason", "time"}));
      RejectedRelease entry;
      entry.release_id = get_string(member.value, "release").value_or("");
      entry.env = get_string(member.value, "env").value_or("");
      entry.reason = get_string(member.value, "reason").value_or("");
      entry.time = get_string(member.value, "time").value_or("");
      // The parser keeps duplicate keys; the first would win silently, so a second is refused.
      if (!index.rejected.emplace(digest, std::move(entry)).second) {
        return make_error(source_name + ": .rejected lists '" + digest +
                          "' twice (keep one); restore the file from git history");
      }
    }
  }
  if (const JsonValue *ids = find_member(doc, "release_digests"); ids != nullptr) {
    if (!ids->IsObject())
      return make_error(source_name + ": .release_digests must be an object (release id -> digest)");
    for (const auto &member : ids->GetObject()) {
      std::string id(member.name.GetString(), member.name.GetStringLength());
      auto digest = member.value.IsString() ? parse_digest(member.value.GetString()) : make_error("not a string");
      if (!parse_release_id(id) || !digest || digest->algorithm != HashAlgorithm::sha256) {
        return make_error(source_name + ": .release_digests['" + id +
                          "'] must map a release id to a sha256 digest; restore the file from git history");
      }
      if (!index.release_digests.emplace(id, digest->str()).second) {
        return make_error(source_name + ": .release_digests lists '" + id +
                          "' twice (keep one); restore the file from git history");
      }
    }
  }
  return index;
}

Result<ReleasesIndex> load_releases_index(const std::string &repo, const std::string &app)
{
  RELGATE_TRY(validate_app_name(app));
  RELGATE_ASSIGN_OR_RETURN(auto path, safe_path(repo, releases_path(app)));
  if (!file_exists(path))
    return ReleasesIndex{};
  RELGATE_ASSIGN_OR_RETURN(auto text, read_file(path));
  return parse_releases_index(text, path);
}

std::string serialize_known_good(const KnownGoodIndex &index)
{
  JsonDocument doc(rapidjson::kObjectType);
  auto &allocator = doc.GetAllocator();
  set_member(doc, "schema", "relgate.known-good/v1", allocator);
  JsonValue releases(rapidjson::kArrayType);
  for (const auto &release : index.releases) {
    JsonValue item(rapidjson::kObjectType);
    set_member(item, "release", release.release_id, allocator);
    set_member(item, "digest", release.digest, allocator);
    set_member(item, "since", release.since, allocator);
    releases.PushBack(item, allocator);
  }
  set_member(doc, "releases", std::move(releases), allocator);
  return to_pretty_json(doc) + "\n";
}

Result<KnownGoodIndex> parse_known_good(std::string_view text, const std::string &source_name)
{
  RELGATE_ASSIGN_OR_RETURN(auto doc, parse_json(text, source_name));
  if (!doc.IsObject() || get_string(doc, "schema").value_or("") != "relgate.known-good/v1") {
    return make_error(source_name + ": expected an object with .schema 'relgate.known-good/v1'");
  }
  RELGATE_TRY(check_object_keys(doc, source_name, {"schema", "releases"}));
  KnownGoodIndex index;
  const JsonValue *releases = find_member(doc, "releases");
  if (releases == nullptr || !releases->IsArray())
    return make_error(source_name + ": .releases must be an array");
  for (const auto &item : releases->GetArray()) {
    auto release = item.IsObject() ? get_string(item, "release") : std::nullopt;
    auto digest = item.IsObject() ? get_string(item, "digest") : std::nullopt;
    if (!release || !digest)
      return make_error(source_name + ": each of .releases needs release and digest");
    RELGATE_TRY(
        check_object_keys(item, source_name + ": .releases entry '" + *release + "'", {"release", "digest", "since"}));
    auto parsed = parse_digest(*digest);
    if (!parsed || parsed->algorithm != HashAlgorithm::sha256 || !parse_release_id(*release)) {
      return make_error(source_name + ": .releases entry '" + *release +
                        "' needs a release id and a sha256 digest; restore the file from git history");
    }
    index.releases.push_back(ReleaseRef{*release, *digest, get_string(item, "since").value_or("")});
  }
  return index;
}

Result<KnownGoodIndex> load_known_good(const std::string &repo, const std::string &app, const std::string &env)
{
  RELGATE_TRY(validate_app_name(app));
  RELGATE_TRY(validate_env_name(env));
  RELGATE_ASSIGN_OR_RETURN(auto path, safe_path(repo, env_paths(app, env).known_good));
  if (!file_exists(path))
    return KnownGoodIndex{};
  RELGATE_ASSIGN_OR_RETURN(auto text, read_file(path));
  return parse_known_good(text, path);
}

Result<bool> bind_release_id(ReleasesIndex &index, const std::string &release_id, const std::string &digest)
{
  RELGATE_TRY(parse_release_id(release_id));
  auto found = index.release_digests.find(release_id);
  if (found != index.release_digests.end() && found->second != digest) {
    return make_error("release id " + release_id + " already belongs to " + found->second +
                      " in this application's releases.json: a release id names one digest for good; create the "
                      "evidence with another --release "
                      "(or none: relgate then hands out the next id)");
  }
  bool changed = found == index.release_digests.end();
  if (changed)
    index.release_digests.emplace(release_id, digest);
  if (release_id_before(index.last_release_id, release_id)) {
    index.last_release_id = release_id;
    changed = true;
  }
  return changed;
}

void remember_known_good(KnownGoodIndex &index, const ReleaseRef &release)
{
  forget_known_good(index, release.digest);
  index.releases.push_back(release);
  if (index.releases.size() > known_good_capacity) {
    index.releases.erase(index.releases.begin(),
                         index.releases.begin() +
                             static_cast<std::ptrdiff_t>(index.releases.size() - known_good_capacity));
  }
}

void forget_known_good(KnownGoodIndex &index, std::string_view digest)
{
  std::erase_if(index.releases, [&](const ReleaseRef &ref) { return ref.digest == digest; });
}

} // namespace relgate::gitops
