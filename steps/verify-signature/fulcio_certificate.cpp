#include "fulcio_certificate.hpp"

#include <openssl/x509v3.h>

namespace relgate::sig
{

namespace
{

std::string asn1_string_text(const ASN1_STRING *value)
{
  return std::string(reinterpret_cast<const char *>(ASN1_STRING_get0_data(value)),
                     static_cast<std::size_t>(ASN1_STRING_length(value)));
}

// The extension value: v2 (…1.8) is a DER UTF8String, the legacy one (…1.1) raw text.
std::optional<std::string> extension_text(X509 *cert, const char *oid, bool der_utf8)
{
  Asn1ObjectPtr object(OBJ_txt2obj(oid, 1));
  int index = object ? X509_get_ext_by_OBJ(cert, object.get(), -1) : -1;
  if (index < 0)
    return std::nullopt;
  ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(X509_get_ext(cert, index));
  std::string raw = asn1_string_text(data);
  if (!der_utf8)
    return raw;
  const unsigned char *cursor = reinterpret_cast<const unsigned char *>(raw.data());
  Utf8StringPtr text(d2i_ASN1_UTF8STRING(nullptr, &cursor, static_cast<long>(raw.size())));
  if (!text) {
    openssl_errors();
    return std::nullopt;
  }
  return asn1_string_text(text.get());
}

bool has_code_signing(X509 *cert)
{
  ExtKeyUsagePtr usages(static_cast<EXTENDED_KEY_USAGE *>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr)));
  if (!usages)
    return false;
  for (int i = 0; i < sk_ASN1_OBJECT_num(usages.get()); ++i) {
    if (OBJ_obj2nid(sk_ASN1_OBJECT_value(usages.get(), i)) == NID_code_sign)
      return true;
  }
  return false;
}

} // namespace

Result<CertificateIdentity> certificate_identity(X509 *leaf)
{
  CertificateIdentity identity;
  GeneralNamesPtr names(static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(leaf, NID_subject_alt_name, nullptr, nullptr)));
  if (names) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
      const GENERAL_NAME *name = sk_GENERAL_NAME_value(names.get(), i);
      if (name->type == GEN_URI)
        identity.subjects.push_back(asn1_string_text(name->d.uniformResourceIdentifier));
      else if (name->type == GEN_EMAIL)
        identity.subjects.push_back(asn1_string_text(name->d.rfc822Name));
      else if (name->type == GEN_OTHERNAME) {
        // Fulcio's username SAN: otherName 1.3.6.1.4.1.57264.1.7 holding a UTF8String.
        const ASN1_TYPE *value = name->d.otherName->value;
        char oid[64] = {};
        OBJ_obj2txt(oid, sizeof oid, name->d.otherName->type_id, 1);
        if (std::string_view(oid) == "1.3.6.1.4.1.57264.1.7" && value != nullptr && value->type == V_ASN1_UTF8STRING) {
          identity.subjects.push_back(asn1_string_text(value->value.utf8string));
        }
      }
    }
  }
  if (identity.subjects.empty()) {
    return make_error("signing certificate has no subject alternative name (identity)");
  }
  auto issuer = extension_text(leaf, "1.3.6.1.4.1.57264.1.8", true);
  if (!issuer)
    issuer = extension_text(leaf, "1.3.6.1.4.1.57264.1.1", false);
  identity.issuer = issuer.value_or("");
  return identity;
}

namespace
{

bool valid_at(X509 *cert, std::time_t at)
{
  return X509_cmp_time(X509_get0_notBefore(cert), &at) <= 0 && X509_cmp_time(X509_get0_notAfter(cert), &at) >= 0;
}

// The rest of a CA's listed chain, above its first certificate: each one issues the one below
// (names, key identifiers, keyCertSign usage) and is valid at `at`. Its signatures are not
// re-verified: trusted_root.json is the trust anchor, so every certificate it lists is trusted
// as listed, and one P-384 verification (Fulcio's root) costs more than the rest of a keyless
// verification. The leaf's own signature and the first certificate's CA constraints are checked
// by X509_verify_cert.
Result<void> check_listed_chain(const std::vector<std::shared_ptr<X509>> &chain, const std::string &uri, std::time_t at)
{
  for (std::size_t i = 0; i < chain.size(); ++i) {
    X509 *cert = chain[i].get();
    if (!valid_at(cert, at)) {
      return make_error("trusted CA certificate " + certificate_subject(cert) + " of " + uri + " is not valid at " +
                        format_epoch(at));
    }
    if (i + 1 < chain.size() && X509_check_issued(chain[i + 1].get(), cert) != X509_V_OK) {
      return make_error("trusted CA chain of " + uri + " is broken: " + certificate_subject(chain[i + 1].get()) +
                        " does not issue " + certificate_subject(cert) + " (fix the trusted root)");
    }
  }
  return ok_result();
}

} // namespace

Result<VerifiedChain> verify_certificate_chain(X509 *leaf, const TrustedRoot &root, std::time_t at)
{
  if (!has_code_signing(leaf)) {
    return make_error("signing certificate lacks the codeSigning extended key usage");
  }
  std::string last_problem = "no certificate authority in " + root.source + " is valid at " + format_epoch(at);
  for (const auto &authority : root.certificate_authorities) {
    if (!authority.valid_for.contains(at) || !authority.has_certificates())
      continue;
    // Only the authorities valid at `at` are decoded (a trusted root keeps its retired CAs).
    auto certificates = authority.certificates();
    if (!certificates) {
      last_problem = certificates.message();
      continue;
    }
    const auto &listed = **certificates;
    // The leaf must be issued by the CA's first certificate, the trust anchor here; a leaf
    // issued by another CA of the root is tried against that one.
    if (X509_check_issued(listed.front().get(), leaf) != X509_V_OK) {
      last_problem = "signing certificate is not issued by " + authority.uri + " (" +
                     certificate_subject(listed.front().get()) + ")";
      openssl_errors();
      continue;
    }
    auto listed_ok = check_listed_chain(listed, authority.uri, at);
    if (!listed_ok) {
      last_problem = listed_ok.message();
      continue;
    }
    X509StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), listed.front().get());
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr);
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx.get());
    X509_VERIFY_PARAM_set_time(param, at);
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    if (X509_verify_cert(ctx.get()) == 1) {
      VerifiedChain verified;
      verified.ca_uri = authority.uri;
      X509_up_ref(listed.front().get());
      verified.issuer.reset(listed.front().get());
      return verified;
    }
    last_problem = "certificate chain to " + authority.uri + " does not verify at " + format_epoch(at) + ": " +
                   X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
    openssl_errors();
  }
  return make_error(last_problem);
}

} // namespace relgate::sig
