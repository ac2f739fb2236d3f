// Sigstore bundle (protobuf-specs sigstore_bundle.proto, JSON mapping): media types v0.1, v0.2,
// v0.3 in both spellings. Bytes fields are decoded here; int64 fields arrive as strings.
#pragma once

#include "digest.hpp"
#include "json.hpp"
#include "ossl.hpp"
#include "result.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::sig
{

struct InclusionProof {
  int64_t log_index = 0; // index within the (shard's) tree
  std::string root_hash; // raw
  int64_t tree_size = 0;
  std::vector<std::string> hashes; // raw, leaf to root
  std::string checkpoint;          // signed note text; "" when absent
};

struct TlogEntry {
  int64_t log_index = 0; // global index (what the SET signs)
  std::string log_id;    // raw key id
  std::string kind;      // "hashedrekord", "dsse", "intoto"
  std::string version;   // "0.0.1"
  std::optional<int64_t> integrated_time;
  std::optional<std::string> signed_entry_timestamp; // raw SET
  std::optional<InclusionProof> inclusion_proof;
  std::string canonicalized_body; // raw JSON bytes
  std::string canonicalized_body_b64;
};

struct DsseSignature {
  std::string sig; // raw
  std::string keyid;
};

struct DsseEnvelope {
  std::string payload; // raw bytes, exactly as signed
  std::string payload_type;
  std::vector<DsseSignature> signatures;
};

struct MessageSignature {
  std::optional<HashAlgorithm> digest_algorithm;
  std::string digest;    // raw, a hint only
  std::string signature; // raw
};

// sigstore-go's limits (verify.maxAllowedTlogEntries, maxAllowedTimestamps): each entry, stamp or
// signature is verified in full, so a bundle or envelope must not bring them by the thousand
// (38,000 copies of one stamp cost 158 s of CPU). More is bad input (exit 2), read before decoding.
constexpr rapidjson::SizeType max_tlog_entries = 32;
constexpr rapidjson::SizeType max_rfc3161_timestamps = 32;
constexpr rapidjson::SizeType max_dsse_signatures = 32;
// A Fulcio chain is leaf, intermediate, root; each bundle certificate is decoded (23,000 copies of
// the leaf in a v0.1 chain: 7.3 s of CPU, then ALLOW).
constexpr rapidjson::SizeType max_chain_certificates = 32;

// "FIELD: N entries, more than the 32 relgate verifies ..." when count exceeds limit.
Result<void> check_count(rapidjson::SizeType count, rapidjson::SizeType limit, const std::string &where,
                         const std::string &what);

struct SigstoreBundle {
  std::string source;
  std::string media_type;
  int minor_version = 3; // 0.1 -> 1, 0.2 -> 2, 0.3 -> 3
  bool has_public_key = false;
  std::string public_key_hint;
  std::vector<std::string> certificates; // DER, leaf first
  std::vector<TlogEntry> tlog_entries;
  std::vector<std::string> rfc3161_timestamps; // DER TimeStampResp
  std::optional<MessageSignature> message_signature;
  std::optional<DsseEnvelope> dsse_envelope;

  // The bytes a timestamp or log entry must cover: the message or DSSE signature.
  const std::string &signature_bytes() const;

  // certificates.front() decoded once for every caller (hashing picks the digest its key needs,
  // verification checks with it): decoding a certificate costs about what hashing a small
  // artifact does. Cached against the DER it came from.
  Result<X509 *> leaf_certificate() const;

private:
  mutable std::shared_ptr<X509> leaf_cache;
  mutable std::string leaf_cache_der;
};

Result<SigstoreBundle> parse_bundle(std::string_view json_text, const std::string &source);

// Strict base64 for bundle fields; names the field in the error.
Result<std::string> decode_b64_field(std::string_view text, const std::string &where);

} // namespace relgate::sig
