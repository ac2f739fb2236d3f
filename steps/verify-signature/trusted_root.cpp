#include "trusted_root.hpp"

#include "encoding.hpp"
#include "evidence_json_fields.hpp"
#include "json.hpp"
#include "time_util.hpp"
#include "unique_json.hpp"

namespace relgate::sig
{

bool TimeRange::contains(std::time_t time) const
{
  if (start && time < *start)
    return false;
  if (end && time > *end)
    return false;
  return true;
}

std::string TimeRange::describe() const
{
  return "[" + (start ? format_epoch(*start) : std::string("open")) + ", " +
         (end ? format_epoch(*end) + "]" : std::string("open)"));
}

const TransparencyLogKey *TrustedRoot::find_tlog(std::string_view log_id) const
{
  for (const auto &log : tlogs) {
    if (log.log_id == log_id)
      return &log;
  }
  return nullptr;
}

const TransparencyLogKey *TrustedRoot::find_ctlog(std::string_view log_id) const
{
  for (const auto &log : ctlogs) {
    if (log.log_id == log_id)
      return &log;
  }
  return nullptr;
}

Result<const PublicKey *> TransparencyLogKey::public_key() const
{
  if (!key) {
    RELGATE_ASSIGN_OR_RETURN(auto parsed, parse_public_key_der(key_der, where));
    key = std::make_shared<PublicKey>(std::move(parsed));
  }
  return static_cast<const PublicKey *>(key.get());
}

Result<const std::vector<std::shared_ptr<X509>> *> CertificateAuthority::certificates() const
{
  if (chain.empty()) {
    std::vector<std::shared_ptr<X509>> decoded;
    for (std::size_t i = 0; i < chain_der.size(); ++i) {
      RELGATE_ASSIGN_OR_RETURN(
          auto cert, parse_der_certificate(chain_der[i], where + ".certChain.certificates[" + std::to_string(i) + "]"));
      decoded.emplace_back(cert.release(), X509_free);
    }
    chain = std::move(decoded);
  }
  return static_cast<const std::vector<std::shared_ptr<X509>> *>(&chain);
}

namespace
{

Result<std::time_t> parse_time_field(const JsonFieldReader &reader, const JsonValue &range, std::string_view key,
                                     const std::string &field)
{
  RELGATE_ASSIGN_OR_RETURN(auto text, reader.string(range, key, field, true));
  auto parsed = parse_rfc3339(text);
  if (!parsed)
    return reader.error(field, "expected an RFC 3339 time: " + parsed.message());
  return std::chrono::system_clock::to_time_t(*parsed);
}

Result<TimeRange> parse_range(const JsonFieldReader &reader, const JsonValue &parent, const std::string &field)
{
  TimeRange range;
  RELGATE_ASSIGN_OR_RETURN(const JsonValue *valid_for, reader.object(parent, "validFor", field + ".validFor", false));
  if (valid_for == nullptr)
    return range;
  // proto3 JSON may write an unset bound as null.
  auto present = [&](std::string_view key) {
    const auto it = valid_for->FindMember(rapidjson::StringRef(key.data(), key.size()));
    return it != valid_for->MemberEnd() && !it->value.IsNull();
  };
  if (!present("start")) {
    return reader.error(field + ".validFor.start", "missing; a validity period needs a start (fix the trusted root)");
  }
  RELGATE_ASSIGN_OR_RETURN(range.start, parse_time_field(reader, *valid_for, "start", field + ".validFor.start"));
  if (present("end")) {
    RELGATE_ASSIGN_OR_RETURN(range.end, parse_time_field(reader, *valid_for, "end", field + ".validFor.end"));
  }
  return range;
}

Result<std::vector<TransparencyLogKey>> parse_logs(const JsonFieldReader &reader, const JsonValue &root,
                                                   std::string_view key)
{
  std::vector<TransparencyLogKey> logs;
  RELGATE_ASSIGN_OR_RETURN(const JsonValue *items, reader.array(root, key, std::string(key), false));
  for (rapidjson::SizeType i = 0; items != nullptr && i < items->Size(); ++i) {
    std::string field = std::string(key) + "[" + std::to_string(i) + "]";
    const JsonValue &item = (*items)[i];
    if (!item.IsObject())
      return reader.error(field, "expected an object");
    TransparencyLogKey log;
    RELGATE_ASSIGN_OR_RETURN(log.base_url, reader.string(item, "baseUrl", field + ".baseUrl", false));
    RELGATE_ASSIGN_OR_RETURN(const JsonValue *log_id, reader.object(item, "logId", field + ".logId", true));
    RELGATE_ASSIGN_OR_RETURN(log.log_id, reader.bytes(*log_id, "keyId", field + ".logId.keyId"));
    RELGATE_ASSIGN_OR_RETURN(const JsonValue *public_key, reader.object(item, "publicKey", field + ".publicKey", true));
    RELGATE_ASSIGN_OR_RETURN(log.key_der, reader.bytes(*public_key, "rawBytes", field + ".publicKey.rawBytes"));
    log.where = reader.source + ": " + field + ".publicKey.rawBytes";
    if (!is_der_sequence(log.key_der))
      return make_error(log.where + ": not a DER public key (SPKI or PKCS#1 RSA)");
    RELGATE_ASSIGN_OR_RETURN(log.valid_for, parse_range(reader, *public_key, field + ".publicKey"));
    logs.push_back(std::move(log));
  }
  return logs;
}

Result<std::vector<CertificateAuthority>> parse_authorities(const JsonFieldReader &reader, const JsonValue &root,
                                                            std::string_view key)
{
  std::vector<CertificateAuthority> authorities;
  RELGATE_ASSIGN_OR_RETURN(const JsonValue *items, reader.array(root, key, std::string(key), false));
  for (rapidjson::SizeType i = 0; items != nullptr && i < items->Size(); ++i) {
    std::string field = std::string(key) + "[" + std::to_string(i) + "]";
    const JsonValue &item = (*items)[i];
    if (!item.IsObject())
      return reader.error(field, "expected an object");
    CertificateAuthority authority;
    authority.where = reader.source + ": " + field;
    RELGATE_ASSIGN_OR_RETURN(authority.uri, reader.string(item, "uri", field + ".uri", false));
    if (authority.uri.empty()) {
      // No URI (e.g. GitHub's TSA): name it by its subject for reasons.
      RELGATE_ASSIGN_OR_RETURN(const JsonValue *subject, reader.object(item, "subject", field + ".subject", false));
      std::string name;
      if (subject != nullptr) {
        RELGATE_ASSIGN_OR_RETURN(auto organization,
                                 reader.string(*subject, "organization", field + ".subject.organization", false));
        RELGATE_ASSIGN_OR_RETURN(auto common_name,
                                 reader.string(*subject, "commonName", field + ".subject.commonName", false));
        name = organization + " " + common_name;
      }
      authority.uri = field + (name.size() > 1 ? " (" + name + ")" : "");
    }
    RELGATE_ASSIGN_OR_RETURN(const JsonValue *chain, reader.object(item, "certChain", field + ".certChain", false));
    const JsonValue *certs = nullptr;
    if (chain != nullptr) {
      RELGATE_ASSIGN_OR_RETURN(certs, reader.array(*chain, "certificates", field + ".certChain.certificates", false));
    }
    // An authority without certificates can authenticate nothing; it is kept (and never matches).
    for (rapidjson::SizeType c = 0; certs != nullptr && c < certs->Size(); ++c) {
      std::string cert_field = field + ".certChain.certificates[" + std::to_string(c) + "]";
      RELGATE_ASSIGN_OR_RETURN(auto der, reader.bytes((*certs)[c], "rawBytes", cert_field + ".rawBytes"));
      if (!is_der_sequence(der))
        return reader.error(cert_field, "not a DER X.509 certificate");
      authority.chain_der.push_back(std::move(der));
    }
    RELGATE_ASSIGN_OR_RETURN(authority.valid_for, parse_range(reader, item, field));
    authorities.push_back(std::move(authority));
  }
  return authorities;
}

} // namespace

Result<TrustedRoot> parse_trusted_root(std::string_view json_text, const std::string &source)
{
  RELGATE_ASSIGN_OR_RETURN(auto document, parse_unique_json(json_text, source));
  if (!document.IsObject())
    return make_error(source + ": expected a JSON object (trusted_root.json)");
  JsonFieldReader reader{source};
  RELGATE_ASSIGN_OR_RETURN(auto media_type, reader.string(document, "mediaType", "mediaType", false));
  if (!media_type.empty() && media_type.rfind("application/vnd.dev.sigstore.trustedroot", 0) != 0) {
    return make_error(source + ": mediaType '" + printable_excerpt(media_type) +
                      "' is not a Sigstore trusted root (application/vnd.dev.sigstore.trustedroot+json)");
  }
  TrustedRoot root;
  root.source = source;
  RELGATE_ASSIGN_OR_RETURN(root.tlogs, parse_logs(reader, document, "tlogs"));
  RELGATE_ASSIGN_OR_RETURN(root.ctlogs, parse_logs(reader, document, "ctlogs"));
  RELGATE_ASSIGN_OR_RETURN(root.certificate_authorities, parse_authorities(reader, document, "certificateAuthorities"));
  RELGATE_ASSIGN_OR_RETURN(root.timestamp_authorities, parse_authorities(reader, document, "timestampAuthorities"));
  return root;
}

} // namespace relgate::sig
