// The transparency-log entry body must describe this bundle: same signature bytes, same
// certificate or key, same artifact digest (or DSSE payload / PAE hash). Kinds: hashedrekord
// 0.0.1 and 0.0.2 (Rekor v2, also for DSSE), dsse 0.0.1, intoto 0.0.2.
#pragma once

#include "digest.hpp"
#include "result.hpp"
#include "sigstore_bundle.hpp"

#include <map>
#include <string>

namespace relgate::sig
{

struct ExpectedBody {
  std::string signature;    // raw bundle signature (message or DSSE)
  std::string verifier_der; // DER certificate (keyless) or DER SPKI (key)
  bool verifier_is_certificate = true;
  std::map<HashAlgorithm, std::string> artifact_digests; // raw; message bundles (hashed once)
  const DsseEnvelope *dsse = nullptr;
};

Result<void> check_tlog_body(const TlogEntry &entry, const ExpectedBody &expected);

} // namespace relgate::sig
