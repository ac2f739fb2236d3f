#include "cosign_legacy_bundle.hpp"

#include "encoding.hpp"
#include "go_json_names.hpp"
#include "ossl.hpp"
#include "unique_json.hpp"

#include <openssl/pem.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace relgate::sig
{

bool is_cosign_legacy_bundle(const JsonValue &document)
{
  return document.IsObject() && find_member_go(document, "base64Signature") != nullptr &&
         find_member(document, "mediaType") == nullptr;
}

namespace
{

// Members are looked up as cosign's Go structs read them (go_json_names.hpp).
std::optional<std::string> string_go(const JsonValue &object, std::string_view key)
{
  const JsonValue *value = find_member_go(object, key);
  if (value == nullptr || !value->IsString())
    return std::nullopt;
  return std::string(value->GetString(), value->GetStringLength());
}

std::optional<int64_t> int64_go(const JsonValue &object, std::string_view key)
{
  const JsonValue *value = find_member_go(object, key);
  if (value == nullptr || !value->IsInt64())
    return std::nullopt;
  return value->GetInt64();
}

// cosign stores the certificate as base64 of its PEM text.
Result<std::string> certificate_der_from_b64_pem(const std::string &b64, const std::string &where)
{
  RELGATE_ASSIGN_OR_RETURN(auto pem, decode_b64_field(b64, where));
  BIO *bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509 *cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (cert == nullptr) {
    openssl_errors();
    return make_error(where + ": not a base64 PEM certificate");
  }
  std::string der = certificate_der(cert);
  X509_free(cert);
  return der;
}

} // namespace

Result<SigstoreBundle> parse_cosign_legacy_bundle(const JsonValue &document, const std::string &source)
{
  RELGATE_TRY(check_go_unique_members(document, source));
  SigstoreBundle bundle;
  bundle.source = source;
  bundle.media_type = "cosign bundle (legacy)";
  bundle.minor_version = 1; // an inclusion promise is all it has
  auto signature = string_go(document, "base64Signature");
  if (!signature)
    return make_error(source + ": base64Signature: expected a string");
  MessageSignature message;
  RELGATE_ASSIGN_OR_RETURN(message.signature, decode_b64_field(*signature, source + ": base64Signature"));
  bundle.message_signature = std::move(message);
  auto cert = string_go(document, "cert");
  if (cert && !cert->empty()) {
    RELGATE_ASSIGN_OR_RETURN(auto der, certificate_der_from_b64_pem(*cert, source + ": cert"));
    bundle.certificates.push_back(std::move(der));
  } else {
    bundle.has_public_key = true;
  }
  const JsonValue *rekor = find_member_go(document, "rekorBundle");
  if (rekor == nullptr || rekor->IsNull())
    return bundle;
  const JsonValue *payload = rekor->IsObject() ? find_member_go(*rekor, "Payload") : nullptr;
  auto set = rekor->IsObject() ? string_go(*rekor, "SignedEntryTimestamp") : std::nullopt;
  if (payload == nullptr || !payload->IsObject() || !set) {
    return make_error(source + ": rekorBundle: expected SignedEntryTimestamp and Payload");
  }
  TlogEntry entry;
  auto body = string_go(*payload, "body");
  auto integrated = int64_go(*payload, "integratedTime");
  auto index = int64_go(*payload, "logIndex");
  auto log_id = string_go(*payload, "logID");
  if (!body || !integrated || !index || !log_id) {
    return make_error(source + ": rekorBundle.Payload: expected body, integratedTime, logIndex and logID");
  }
  if (*index < 0)
    return make_error(source + ": rekorBundle.Payload.logIndex: must not be negative");
  RELGATE_ASSIGN_OR_RETURN(entry.signed_entry_timestamp,
                           decode_b64_field(*set, source + ": rekorBundle.SignedEntryTimestamp"));
  RELGATE_ASSIGN_OR_RETURN(entry.canonicalized_body, decode_b64_field(*body, source + ": rekorBundle.Payload.body"));
  auto raw_id = hex_decode(*log_id);
  if (!raw_id)
    return make_error(source + ": rekorBundle.Payload.logID: expected hex");
  entry.log_id = *raw_id;
  entry.log_index = *index;
  entry.integrated_time = *integrated;
  entry.canonicalized_body_b64 = *body;
  auto parsed = parse_unique_json(entry.canonicalized_body, source + ": rekorBundle.Payload.body");
  if (!parsed)
    return parsed.error();
  entry.kind = get_string(*parsed, "kind").value_or("");
  entry.version = get_string(*parsed, "apiVersion").value_or("");
  bundle.tlog_entries.push_back(std::move(entry));
  return bundle;
}

} // namespace relgate::sig
