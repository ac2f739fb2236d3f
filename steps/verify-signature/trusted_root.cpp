#include "trusted_root.hpp"

#include "encoding.hpp"
#include "file_io.hpp"
#include "json.hpp"
#include "time_util.hpp"

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

namespace
{

Result<std::time_t> parse_time_field(const JsonValue &range, std::string_view key, const std::string &where)
{
  auto text = get_string(range, key);
  if (!text)
    return make_error(where + "." + std::string(key) + ": expected an RFC 3339 time");
  auto parsed = parse_rfc3339(*text);
  if (!parsed)
    return make_error(where + "." + std::string(key) + ": " + parsed.message());
  return std::chrono::system_clock::to_time_t(*parsed);
}

Result<TimeRange> parse_range(const JsonValue &parent, const std::string &where)
{
  TimeRange range;
  const JsonValue *valid_for = find_member(parent, "validFor");
  if (valid_for == nullptr)
    return range;
  if (!valid_for->IsObject())
    return make_error(where + ".validFor: expected an object");
  // proto3 JSON may write an unset bound as null.
  auto present = [&](std::string_view key) {
    const JsonValue *value = find_member(*valid_for, key);
    return value != nullptr && !value->IsNull();
  };
  if (!present("start")) {
    return make_error(where + ".validFor.start: missing; a validity period needs a start "
                              "(fix the trusted root)");
  }
  RELGATE_ASSIGN_OR_RETURN(range.start, parse_time_field(*valid_for, "start", where + ".validFor"));
  if (present("end")) {
    RELGATE_ASSIGN_OR_RETURN(range.end, parse_time_field(*valid_for, "end", where + ".validFor"));
  }
  return range;
}

Result<std::string> bytes_at(const JsonValue &parent, std::string_view key, const std::string &where)
{
  auto text = get_string(parent, key);
  if (!text)
    return make_error(where + "." + std::string(key) + ": missing base64 string");
  auto decoded = base64_decode(*text);
  if (!decoded)
    return make_error(where + "." + std::string(key) + ": not valid base64");
  return std::move(decoded).value();
}

Result<std::vector<TransparencyLogKey>> parse_logs(const JsonValue &root, std::string_view key,
                                                   const std::string &source)
{
  std::vector<TransparencyLogKey> logs;
  const JsonValue *items = find_member(root, key);
  if (items == nullptr)
    return logs;
  if (!items->IsArray())
    return make_error(source + ": " + std::string(key) + ": expected an array");
  for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
    std::string where = source + ": " + std::string(key) + "[" + std::to_string(i) + "]";
    const JsonValue &item = (*items)[i];
    if (!item.IsObject())
      return make_error(where + ": expected an object");
    TransparencyLogKey log;
    log.base_url = get_string(item, "baseUrl").value_or("");
    const JsonValue *log_id = find_member(item, "logId");
    if (log_id == nullptr || !log_id->IsObject())
      return make_error(where + ".logId: missing");
    RELGATE_ASSIGN_OR_RETURN(log.log_id, bytes_at(*log_id, "keyId", where + ".logId"));
    const JsonValue *public_key = find_member(item, "publicKey");
    if (public_key == nullptr || !public_key->IsObject())
      return make_error(where + ".publicKey: missing");
    RELGATE_ASSIGN_OR_RETURN(auto der, bytes_at(*public_key, "rawBytes", where + ".publicKey"));
    RELGATE_ASSIGN_OR_RETURN(auto parsed, parse_public_key_der(der, where + ".publicKey.rawBytes"));
    log.key = std::make_shared<PublicKey>(std::move(parsed));
    RELGATE_ASSIGN_OR_RETURN(log.valid_for, parse_range(*public_key, where + ".publicKey"));
    logs.push_back(std::move(log));
  }
  return logs;
}

Result<std::vector<CertificateAuthority>> parse_authorities(const JsonValue &root, std::string_view key,
                                                            const std::string &source)
{
  std::vector<CertificateAuthority> authorities;
  const JsonValue *items = find_member(root, key);
  if (items == nullptr)
    return authorities;
  if (!items->IsArray())
    return make_error(source + ": " + std::string(key) + ": expected an array");
  for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
    std::string where = source + ": " + std::string(key) + "[" + std::to_string(i) + "]";
    const JsonValue &item = (*items)[i];
    if (!item.IsObject())
      return make_error(where + ": expected an object");
    CertificateAuthority authority;
    authority.uri = get_string(item, "uri").value_or("");
    if (authority.uri.empty()) {
      // No URI (e.g. GitHub's TSA): name it by its subject for reasons.
      const JsonValue *subject = find_member(item, "subject");
      std::string name = subject != nullptr && subject->IsObject()
                             ? get_string(*subject, "organization").value_or("") + " " +
                                   get_string(*subject, "commonName").value_or("")
                             : std::string();
      authority.uri = std::string(key) + "[" + std::to_string(i) + "]" + (name.size() > 1 ? " (" + name + ")" : "");
    }
    const JsonValue *chain = find_member(item, "certChain");
    const JsonValue *certs = chain != nullptr ? find_member(*chain, "certificates") : nullptr;
    // An authority without certificates can authenticate nothing; it is kept (and never matches).
    if (certs != nullptr && !certs->IsArray())
      return make_error(where + ".certChain.certificates: expected an array");
    for (rapidjson::SizeType c = 0; certs != nullptr && c < certs->Size(); ++c) {
      std::string cert_where = where + ".certChain.certificates[" + std::to_string(c) + "]";
      RELGATE_ASSIGN_OR_RETURN(auto der, bytes_at((*certs)[c], "rawBytes", cert_where));
      RELGATE_ASSIGN_OR_RETURN(auto cert, parse_der_certificate(der, cert_where));
      authority.chain.emplace_back(cert.release(), X509_free);
    }
    RELGATE_ASSIGN_OR_RETURN(authority.valid_for, parse_range(item, where));
    authorities.push_back(std::move(authority));
  }
  return authorities;
}

} // namespace

Result<TrustedRoot> parse_trusted_root(std::string_view json_text, const std::string &source)
{
  RELGATE_ASSIGN_OR_RETURN(auto document, parse_json(json_text, source));
  if (!document.IsObject())
    return make_error(source + ": expected a JSON object (trusted_root.json)");
  auto media_type = get_string(document, "mediaType");
  if (media_type && media_type->rfind("application/vnd.dev.sigstore.trustedroot", 0) != 0) {
    return make_error(source + ": mediaType '" + *media_type +
                      "' is not a Sigstore trusted root (application/vnd.dev.sigstore.trustedroot+json)");
  }
  TrustedRoot root;
  root.source = source;
  RELGATE_ASSIGN_OR_RETURN(root.tlogs, parse_logs(document, "tlogs", source));
  RELGATE_ASSIGN_OR_RETURN(root.ctlogs, parse_logs(document, "ctlogs", source));
  RELGATE_ASSIGN_OR_RETURN(root.certificate_authorities, parse_authorities(document, "certificateAuthorities", source));
  RELGATE_ASSIGN_OR_RETURN(root.timestamp_authorities, parse_authorities(document, "timestampAuthorities", source));
  return root;
}

Result<TrustedRoot> load_trusted_root(const std::string &path)
{
  RELGATE_ASSIGN_OR_RETURN(auto text, read_file(path));
  return parse_trusted_root(text, path);
}

} // namespace relgate::sig
