#include "simple_signing.hpp"

#include "json.hpp"

#include <strings.h>

namespace relgate::sig
{

namespace
{

const JsonValue *member_nocase(const JsonValue &object, const char *key)
{
  if (!object.IsObject())
    return nullptr;
  for (const auto &member : object.GetObject()) {
    if (strcasecmp(member.name.GetString(), key) == 0)
      return &member.value;
  }
  return nullptr;
}

} // namespace

Result<Digest> simple_signing_digest(std::string_view payload, const std::string &source)
{
  RELGATE_ASSIGN_OR_RETURN(auto document, parse_json(payload, source));
  const JsonValue *critical = member_nocase(document, "critical");
  if (critical == nullptr || !critical->IsObject()) {
    return make_error(source + ": critical: missing; not a cosign simple-signing payload");
  }
  const JsonValue *type = member_nocase(*critical, "type");
  if (type == nullptr || !type->IsString() || std::string_view(type->GetString()) != simple_signing_type) {
    return make_error(source + ": critical.type must be '" + std::string(simple_signing_type) + "'");
  }
  const JsonValue *image = member_nocase(*critical, "image");
  const JsonValue *digest = image != nullptr ? member_nocase(*image, "docker-manifest-digest") : nullptr;
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
