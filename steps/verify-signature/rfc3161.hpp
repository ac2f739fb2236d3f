// RFC 3161 timestamps from a trusted TSA: the response's message imprint must be the hash of
// the bundle signature, the TSA chain must verify at the stamped time, and that time must lie
// within the TSA's validFor in the trusted root.
#pragma once

#include "result.hpp"
#include "trusted_root.hpp"

#include <ctime>
#include <string>
#include <string_view>

namespace relgate::sig
{

struct VerifiedTimestamp {
  std::time_t time = 0;
  std::string tsa_uri;
};

// `response` is a DER TimeStampResp (a bare TimeStampToken is accepted too).
Result<VerifiedTimestamp> verify_rfc3161_timestamp(std::string_view response, std::string_view signed_data,
                                                   const TrustedRoot &root);

} // namespace relgate::sig
