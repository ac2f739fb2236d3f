#include "simple_signing.hpp"

#include "go_json_names.hpp"
#include "json.hpp"
#include "unique_json.hpp"

namespace relgate::sig
{

namespace
{

// Go's encoding/json (cosign) matches member names ignoring case (go_json_names.hpp) and keeps the last match;
// two spellings of one name ("critical", "Critical") are refused rather than read first-wins.
Result<const JsonValue *> member_nocase(const JsonValue &object, const char *key, const std::string &where)
{
  if (!object.IsObject())
    return static_cast<const JsonValue *>(nullptr);
  const JsonValue *found = nullptr;
  const std::string wanted = go_folded_name(key);
  for (const auto &member : object.GetObject()) {
    if (go_folded_name(std::string_view(member.name.GetString(), member.name.GetStringLength())) != wanted)
      continue;
    if (found != nullptr) {
      return make_error(where + ": member \"" + std::string(key) +
                        "\" appears twice (in two spellings; remove one: readers disagree on which one counts)");
    }
    found = &member.value;
  }
  return found;
}

} // namespace

Result<Digest> simple_signing_digest(std::string_view payload, const std::string &source)
{
  RELGATE_ASSIGN_OR_RETURN(auto document, parse_unique_json(payload, source));
  RELGATE_ASSIGN_OR_RETURN(const JsonValue *critical, member_nocase(document, "critical", source));
  if (critical == nullptr || !critical->IsObject()) {
    return make_error(source + ": critical: missing; not a cosign simple-signing payload");
  }
  RELGATE_ASSIGN_OR_RETURN(const JsonValue *type, member_nocase(*critical, "type", source + ": critical"));
  if (type == nullptr || !type->IsString() || std::string_view(type->GetString()) != simple_signing_type) {
    return make_error(source + ": critical.type must be '" + std::string(simple_signing_type) + "'");
  }
  RELGATE_ASSIGN_OR_RETURN(const JsonValue *image, member_nocase(*critical, "image", source + ": critical"));
  const JsonValue *digest = nullptr;
  if (image != nullptr) {
    RELGATE_ASSIGN_OR_RETURN(digest, member_nocase(*image, "docker-manifest-digest", source + ": critical.image"));
  }
  if (digest == nullptr || !digest->IsString()) {
    return make_error(source + ": critical.image.docker-manifest-digest: missing");
  }
  auto parsed = parse_digest(digest->GetString());
  if (!parsed)
    return make_error(source + ": critical.image.docker-manifest-digest: " + parsed.message());
  return std::move(parsed).value();
}

std::string simple_signing_mismatch(const Digest &payload_digest, const Digest &artifact_digest)
{
  if (payload_digest == artifact_digest)
    return {};
  return "signed payload names image " + payload_digest.str() + ", not the artifact " + artifact_digest.str();
}

} // namespace relgate::sig
