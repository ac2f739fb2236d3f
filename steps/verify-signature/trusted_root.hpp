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

struct TransparencyLogKey {
  std::string base_url;
  std::string log_id; // raw key id
  std::shared_ptr<PublicKey> key;
  TimeRange valid_for;
};

struct CertificateAuthority {
  std::string uri;
  std::vector<std::shared_ptr<X509>> chain; // as listed: leaf/intermediates first, root last
  TimeRange valid_for;
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

Result<TrustedRoot> parse_trusted_root(std::string_view json_text, const std::string &source);
Result<TrustedRoot> load_trusted_root(const std::string &path);

} // namespace relgate::sig
