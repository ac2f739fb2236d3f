// Rekor v1 signed entry timestamps (inclusion promises): the log's signature over the RFC 8785
// JSON {"body","integratedTime","logID","logIndex"}.
#pragma once

#include "public_key.hpp"
#include "result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace relgate::sig
{

// Keys in byte order, integers as JSON numbers, logID as lowercase hex of the key id.
std::string rekor_set_payload(std::string_view body_b64, int64_t integrated_time, std::string_view log_id,
                              int64_t log_index);

Result<void> verify_signed_entry_timestamp(const PublicKey &log_key, std::string_view set, std::string_view body_b64,
                                           int64_t integrated_time, std::string_view log_id, int64_t log_index);

} // namespace relgate::sig
