#include "rekor_set.hpp"

#include "encoding.hpp"
#include "signature_verify.hpp"

namespace relgate::sig
{

std::string rekor_set_payload(std::string_view body_b64, int64_t integrated_time, std::string_view log_id,
                              int64_t log_index)
{
  // base64 and hex never need JSON escaping, so the canonical form is plain concatenation.
  std::string payload = "{\"body\":\"";
  payload.append(body_b64);
  payload += "\",\"integratedTime\":" + std::to_string(integrated_time) + ",\"logID\":\"" + hex_encode(log_id) +
             "\",\"logIndex\":" + std::to_string(log_index) + "}";
  return payload;
}

Result<void> verify_signed_entry_timestamp(const PublicKey &log_key, std::string_view set, std::string_view body_b64,
                                           int64_t integrated_time, std::string_view log_id, int64_t log_index)
{
  std::string payload = rekor_set_payload(body_b64, integrated_time, log_id, log_index);
  auto checked = verify_message_signature(log_key, payload, set, HashAlgorithm::sha256);
  if (!checked) {
    return make_error("signed entry timestamp (SET) for log index " + std::to_string(log_index) +
                      " does not verify with the log key: " + checked.message());
  }
  return ok_result();
}

} // namespace relgate::sig
