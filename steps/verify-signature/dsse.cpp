#include "dsse.hpp"

#include "encoding.hpp"
#include "in_toto.hpp"
#include "json.hpp"
#include "unique_json.hpp"

namespace relgate::sig
{

Result<DsseEnvelope> parse_dsse_envelope(std::string_view json_text, const std::string &source)
{
  RELGATE_ASSIGN_OR_RETURN(auto document, parse_unique_json(json_text, source));
  if (!document.IsObject())
    return make_error(source + ": expected a DSSE envelope object");
  DsseEnvelope envelope;
  auto payload = get_string(document, "payload");
  auto type = get_string(document, "payloadType");
  if (!payload || !type)
    return make_error(source + ": DSSE envelope needs payload and payloadType strings");
  RELGATE_ASSIGN_OR_RETURN(envelope.payload, decode_b64_field(*payload, source + ": payload"));
  envelope.payload_type = *type;
  RELGATE_TRY(check_dsse_payload_json(envelope, source + ": payload"));
  const JsonValue *signatures = find_member(document, "signatures");
  if (signatures == nullptr || !signatures->IsArray() || signatures->Empty()) {
    return make_error(source + ": signatures: expected a non-empty array");
  }
  // Each signature is verified with each trusted key: 100,000 copies cost 8.9 s of CPU per key.
  RELGATE_TRY(check_count(signatures->Size(), max_dsse_signatures, source + ": signatures", "signatures"));
  for (rapidjson::SizeType i = 0; i < signatures->Size(); ++i) {
    const JsonValue &item = (*signatures)[i];
    auto sig = item.IsObject() ? get_string(item, "sig") : std::nullopt;
    if (!sig)
      return make_error(source + ": signatures[" + std::to_string(i) + "].sig: missing");
    DsseSignature signature;
    RELGATE_ASSIGN_OR_RETURN(signature.sig,
                             decode_b64_field(*sig, source + ": signatures[" + std::to_string(i) + "].sig"));
    signature.keyid = get_string(item, "keyid").value_or("");
    envelope.signatures.push_back(std::move(signature));
  }
  return envelope;
}

Result<void> check_dsse_payload_json(const DsseEnvelope &envelope, const std::string &source)
{
  if (envelope.payload_type != in_toto_payload_type)
    return ok_result();
  RELGATE_TRY(parse_unique_json(envelope.payload, source));
  return ok_result();
}

} // namespace relgate::sig
