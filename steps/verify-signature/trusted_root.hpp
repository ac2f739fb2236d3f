// trusted_root.json (protobuf-specs sigstore_trustroot.proto): the offline trust anchors.
// validFor is a closed interval; a missing start is malformed, a missing end is open.
#pragma once

#include "ossl.hpp"
#include "public_key.hpp"
#include "result.hpp"

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::sig
{

struct TimeRange {
  std::optional<std::time_t> start; // nullopt only when the range itself was absent
  std::optional<std::time_t> end;

  bool contains(std::time_t time) const;
  std::string describe() const; // "[2021-01-12T11:53:27Z, open)"
};

// Trusted roots list every log and CA a Sigstore instance ever used, and a bundle needs one of
// each: keys and certificates stay DER until a verification asks for them (OpenSSL 3 decodes a
// key through its provider decoders, which cost more than the signature checks themselves).
// The decoded object is cached in the entry; tests may also set it directly.
struct TransparencyLogKey {
  std::string base_url;
  std::string log_id;                     // raw key id
  std::string key_der;                    // DER SPKI (or PKCS#1 RSA) as listed
  std::string where;                      // "root.json: tlogs[0].publicKey.rawBytes", for errors
  mutable std::shared_ptr<PublicKey> key; // decoded on first use of public_key()
  TimeRange valid_for;

  Result<const PublicKey *> public_key() const;
};

struct CertificateAuthority {
  std::string uri;
  std::vector<std::string> chain_der; // as listed: leaf/intermediates first, root last
  std::string where;
  mutable std::vector<std::shared_ptr<X509>> chain; // decoded on first use of certificates()
  TimeRange valid_for;

  bool has_certificates() const { return !chain.empty() || !chain_der.empty(); }
  Result<const std::vector<std::shared_ptr<X509>> *> certificates() const;
};

struct TrustedRoot {
  std::string source;
  std::vector<TransparencyLogKey> tlogs;
  std::vector<TransparencyLogKey> ctlogs;
  std::vector<CertificateAuthority> certificate_authorities;
  std::vector<CertificateAuthority> timestamp_authorities;

  const TransparencyLogKey *find_tlog(std::string_view log_id) const;
  const TransparencyLogKey *find_ctlog(std::string_view log_id) const;
};

// Checks the whole document's shape (fields, base64, validity ranges, DER framing) up front;
// the DER contents are decoded on first use.
Result<TrustedRoot> parse_trusted_root(std::string_view json_text, const std::string &source);

} // namespace relgate::sig
