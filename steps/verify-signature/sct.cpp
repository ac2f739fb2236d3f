#include "sct.hpp"

#include "precert_tbs.hpp"
#include "signature_verify.hpp"
#include "text_join.hpp"

#include <openssl/ct.h>
#include <openssl/x509v3.h>

namespace relgate::sig
{

namespace
{

void put_integer(std::string &out, uint64_t value, int bytes)
{
  for (int i = bytes - 1; i >= 0; --i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

} // namespace

std::string sct_signed_data(uint64_t timestamp_ms, std::string_view issuer_key_hash, std::string_view precert_tbs_bytes,
                            std::string_view extensions)
{
  std::string data;
  data.push_back(0); // version v1
  data.push_back(0); // signature_type certificate_timestamp
  put_integer(data, timestamp_ms, 8);
  put_integer(data, 1, 2); // entry_type precert_entry
  data.append(issuer_key_hash);
  put_integer(data, precert_tbs_bytes.size(), 3);
  data.append(precert_tbs_bytes);
  put_integer(data, extensions.size(), 2);
  data.append(extensions);
  return data;
}

Result<SctReport> verify_embedded_scts(X509 *leaf, X509 *issuer, const TrustedRoot &root)
{
  SctListPtr scts(static_cast<STACK_OF(SCT) *>(X509_get_ext_d2i(leaf, NID_ct_precert_scts, nullptr, nullptr)));
  openssl_errors();
  if (!scts || sk_SCT_num(scts.get()) == 0) {
    return make_error("signing certificate has no embedded SCT (certificate transparency proof)");
  }
  if (issuer == nullptr)
    return make_error("cannot check SCTs: the certificate issuer is unknown");
  unsigned char *spki = nullptr;
  int spki_length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issuer), &spki);
  std::string issuer_key_hash =
      sha256_bytes(std::string_view(reinterpret_cast<char *>(spki), static_cast<std::size_t>(spki_length)));
  OPENSSL_free(spki);
  RELGATE_ASSIGN_OR_RETURN(std::string tbs, precert_tbs_from_der(certificate_der(leaf)));

  SctReport report;
  std::vector<std::string> problems; // joined with "; " in the error
  for (int i = 0; i < sk_SCT_num(scts.get()); ++i) {
    SCT *sct = sk_SCT_value(scts.get(), i);
    unsigned char *log_id = nullptr;
    std::size_t log_id_length = SCT_get0_log_id(sct, &log_id);
    std::string id(reinterpret_cast<char *>(log_id), log_id_length);
    const TransparencyLogKey *log = root.find_ctlog(id);
    if (log == nullptr) {
      problems.push_back("SCT " + std::to_string(i) + ": log not in the trusted root");
      continue;
    }
    uint64_t timestamp = SCT_get_timestamp(sct);
    auto seconds = static_cast<std::time_t>(timestamp / 1000);
    if (!log->valid_for.contains(seconds)) {
      problems.push_back("SCT " + std::to_string(i) + ": time " + format_epoch(seconds) +
                         " outside the CT log key validity " + log->valid_for.describe());
      continue;
    }
    unsigned char *extensions = nullptr;
    std::size_t extensions_length = SCT_get0_extensions(sct, &extensions);
    unsigned char *signature = nullptr;
    std::size_t signature_length = SCT_get0_signature(sct, &signature);
    std::string data = sct_signed_data(timestamp, issuer_key_hash, tbs,
                                       std::string_view(reinterpret_cast<char *>(extensions), extensions_length));
    auto key = log->public_key();
    if (!key) {
      problems.push_back("SCT " + std::to_string(i) + ": " + key.message());
      continue;
    }
    auto checked = verify_message_signature(
        **key, data, std::string_view(reinterpret_cast<char *>(signature), signature_length), HashAlgorithm::sha256);
    if (checked) {
      if (report.verified++ == 0)
        report.log_url = log->base_url;
    } else {
      problems.push_back("SCT " + std::to_string(i) + " from " + log->base_url + ": " + checked.message());
    }
  }
  if (report.verified == 0) {
    return make_error("no valid SCT: " + join(problems, "; "));
  }
  return report;
}

} // namespace relgate::sig
