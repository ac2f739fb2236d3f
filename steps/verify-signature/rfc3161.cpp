#include "rfc3161.hpp"

#include "text_join.hpp"

#include <openssl/pkcs7.h>
#include <openssl/ts.h>

namespace relgate::sig
{

Result<VerifiedTimestamp> verify_rfc3161_timestamp(std::string_view response, std::string_view signed_data,
                                                   const TrustedRoot &root)
{
  const unsigned char *cursor = bytes_ptr(response);
  Pkcs7Ptr token;
  TsRespPtr parsed(d2i_TS_RESP(nullptr, &cursor, static_cast<long>(response.size())));
  if (parsed) {
    PKCS7 *inner = TS_RESP_get_token(parsed.get());
    if (inner == nullptr)
      return make_error("timestamp response carries no token (status not granted)");
    token.reset(PKCS7_dup(inner));
  } else {
    openssl_errors();
    cursor = bytes_ptr(response);
    token.reset(d2i_PKCS7(nullptr, &cursor, static_cast<long>(response.size())));
  }
  if (!token) {
    openssl_errors();
    return make_error("timestamp is neither a DER TimeStampResp nor a TimeStampToken");
  }
  TsTstInfoPtr info(PKCS7_to_TS_TST_INFO(token.get()));
  if (!info) {
    openssl_errors();
    return make_error("timestamp token has no TSTInfo");
  }
  RELGATE_ASSIGN_OR_RETURN(std::time_t time, asn1_time_to_epoch(TS_TST_INFO_get_time(info.get())));

  std::vector<std::string> problems; // joined with "; " in the error
  for (const auto &authority : root.timestamp_authorities) {
    if (!authority.has_certificates())
      continue; // cannot have signed anything
    if (!authority.valid_for.contains(time)) {
      problems.push_back(authority.uri + ": time " + format_epoch(time) + " outside its validity " +
                         authority.valid_for.describe());
      continue;
    }
    auto chain = authority.certificates();
    if (!chain) {
      problems.push_back(chain.message());
      continue;
    }
    TsVerifyCtxPtr ctx(TS_VERIFY_CTX_new());
    X509_STORE *store = X509_STORE_new();
    STACK_OF(X509) *certs = sk_X509_new_null();
    for (std::size_t i = 0; i < (*chain)->size(); ++i) {
      X509 *cert = (**chain)[i].get();
      if (i + 1 == (*chain)->size()) {
        X509_STORE_add_cert(store, cert);
      } else {
        X509_up_ref(cert);
        sk_X509_push(certs, cert);
      }
    }
    // Pins chain validation to the stamped time: an expired TSA chain still proves old stamps.
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), time);
    TS_VERIFY_CTX_set_store(ctx.get(), store);
    TS_VERIFY_CTX_set_certs(ctx.get(), certs);
    BIO *data = BIO_new_mem_buf(signed_data.data(), static_cast<int>(signed_data.size()));
    TS_VERIFY_CTX_set_data(ctx.get(), data);
    TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_DATA);
    if (TS_RESP_verify_token(ctx.get(), token.get()) == 1) {
      return VerifiedTimestamp{time, authority.uri};
    }
    problems.push_back(authority.uri + ": " + openssl_errors());
  }
  if (root.timestamp_authorities.empty())
    problems = {"the trusted root lists no timestamp authority"};
  return make_error("timestamp of " + format_epoch(time) + " does not verify: " + join(problems, "; "));
}

} // namespace relgate::sig
