// Keyless verification end to end with a PKI made here: a Fulcio-like CA, a leaf with SAN,
// issuer extension and an embedded SCT, a Rekor-like log signing the entry. Each test breaks
// one link and expects the specific reason.
#include "bundle_verifier.hpp"
#include "encoding.hpp"
#include "precert_tbs.hpp"
#include "rekor_set.hpp"
#include "sct.hpp"
#include "test_keys.hpp"

#include <doctest/doctest.h>
#include <openssl/ct.h>
#include <openssl/x509v3.h>

#include <algorithm>

using namespace relgate;
using namespace relgate::sig;

namespace
{

constexpr std::time_t signed_at = 1750000000; // 2025-06-15
const std::string identity = "https://github.com/acme/api/.github/workflows/release.yml@refs/tags/v1";
const std::string issuer = "https://token.actions.githubusercontent.com";

void add_ext(X509 *cert, X509 *issuer_cert, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer_cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509Ptr make_cert(const char *cn, EVP_PKEY *subject_key, X509 *issuer_cert, EVP_PKEY *issuer_key, bool ca,
                  std::time_t not_before, std::time_t not_after)
{
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(not_before % 100000));
  X509_NAME *name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(cn), -1, -1, 0);
  X509_set_subject_name(cert.get(), name);
  X509_set_issuer_name(cert.get(), issuer_cert != nullptr ? X509_get_subject_name(issuer_cert) : name);
  X509_NAME_free(name);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), not_before);
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), not_after);
  X509_set_pubkey(cert.get(), subject_key);
  X509 *effective_issuer = issuer_cert != nullptr ? issuer_cert : cert.get();
  if (ca) {
    add_ext(cert.get(), effective_issuer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert.get(), effective_issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(cert.get(), effective_issuer, NID_subject_key_identifier, "hash");
  } else {
    add_ext(cert.get(), effective_issuer, NID_key_usage, "critical,digitalSignature");
    add_ext(cert.get(), effective_issuer, NID_ext_key_usage, "codeSigning");
    add_ext(cert.get(), effective_issuer, NID_subject_alt_name, ("critical,URI:" + identity).c_str());
    // OIDC issuer, v2 form: a DER UTF8String in 1.3.6.1.4.1.57264.1.8.
    std::string der = std::string("\x0c", 1) + static_cast<char>(issuer.size()) + issuer;
    ASN1_OCTET_STRING *data = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(data, bytes_ptr(der), static_cast<int>(der.size()));
    ASN1_OBJECT *oid = OBJ_txt2obj("1.3.6.1.4.1.57264.1.8", 1);
    X509_EXTENSION *ext = X509_EXTENSION_create_by_OBJ(nullptr, oid, 0, data);
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
    ASN1_OBJECT_free(oid);
    ASN1_OCTET_STRING_free(data);
  }
  add_ext(cert.get(), effective_issuer, NID_authority_key_identifier, "keyid:always");
  X509_sign(cert.get(), issuer_key, EVP_sha256());
  return cert;
}

struct Pki {
  PkeyPtr root_key = test::generate("EC", "P-256");
  PkeyPtr intermediate_key = test::generate("EC", "P-256");
  PkeyPtr leaf_key = test::generate("EC", "P-256");
  PkeyPtr ct_key = test::generate("EC", "P-256");
  PkeyPtr rekor_key = test::generate("EC", "P-256");
  X509Ptr root, intermediate, leaf;
  TrustedRoot trusted;
  SigstoreBundle bundle;
  Artifact artifact;

  static TransparencyLogKey log_of(EVP_PKEY *key, const std::string &url)
  {
    TransparencyLogKey log;
    log.base_url = url;
    log.key = std::make_shared<PublicKey>(test::public_of(key));
    log.log_id = sha256_bytes(log.key->spki_der());
    log.valid_for = TimeRange{signed_at - 86400 * 365, std::nullopt};
    return log;
  }

  // Signs the leaf, then embeds an SCT over its precertificate TBS and signs it again.
  void embed_sct(std::time_t sct_time)
  {
    unsigned char *tbs = nullptr;
    int tbs_length = i2d_re_X509_tbs(leaf.get(), &tbs);
    std::string precert(reinterpret_cast<char *>(tbs), static_cast<std::size_t>(tbs_length));
    OPENSSL_free(tbs);
    unsigned char *spki = nullptr;
    int spki_length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(intermediate.get()), &spki);
    std::string issuer_hash =
        sha256_bytes(std::string(reinterpret_cast<char *>(spki), static_cast<std::size_t>(spki_length)));
    OPENSSL_free(spki);
    uint64_t ms = static_cast<uint64_t>(sct_time) * 1000;
    std::string signature = test::sign(ct_key.get(), EVP_sha256(), sct_signed_data(ms, issuer_hash, precert, ""));
    std::string log_id = log_of(ct_key.get(), "ct").log_id;
    SCT *sct = SCT_new();
    SCT_set_version(sct, SCT_VERSION_V1);
    SCT_set1_log_id(sct, bytes_ptr(log_id), log_id.size());
    SCT_set_timestamp(sct, ms);
    SCT_set_signature_nid(sct, NID_ecdsa_with_SHA256);
    SCT_set1_signature(sct, bytes_ptr(signature), signature.size());
    STACK_OF(SCT) *list = sk_SCT_new_null();
    sk_SCT_push(list, sct);
    X509_add1_ext_i2d(leaf.get(), NID_ct_precert_scts, list, 0, X509V3_ADD_DEFAULT);
    SCT_LIST_free(list);
    X509_sign(leaf.get(), intermediate_key.get(), EVP_sha256());
  }

  void log_entry(int64_t integrated_time, const std::string &signature)
  {
    std::string cert_der = certificate_der(leaf.get());
    std::string pem = "-----BEGIN CERTIFICATE-----\n" + base64_encode(cert_der) + "\n-----END CERTIFICATE-----\n";
    std::string body =
        R"({"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":")" +
        hex_encode(artifact.digests.at(HashAlgorithm::sha256)) + R"("}},"signature":{"content":")" +
        base64_encode(signature) + R"(","publicKey":{"content":")" + base64_encode(pem) + R"("}}}})";
    TlogEntry entry;
    entry.log_index = 42;
    entry.log_id = trusted.tlogs[0].log_id;
    entry.kind = "hashedrekord";
    entry.version = "0.0.1";
    entry.integrated_time = integrated_time;
    entry.canonicalized_body = body;
    entry.canonicalized_body_b64 = base64_encode(body);
    entry.signed_entry_timestamp = test::sign(
        rekor_key.get(), EVP_sha256(), rekor_set_payload(base64_encode(body), integrated_time, entry.log_id, 42));
    bundle.tlog_entries = {entry};
  }

  explicit Pki(std::time_t leaf_start = signed_at - 60)
  {
    root = make_cert("root", root_key.get(), nullptr, root_key.get(), true, signed_at - 86400 * 365,
                     signed_at + 86400 * 365);
    intermediate = make_cert("intermediate", intermediate_key.get(), root.get(), root_key.get(), true,
                             signed_at - 86400 * 365, signed_at + 86400 * 365);
    leaf =
        make_cert("", leaf_key.get(), intermediate.get(), intermediate_key.get(), false, leaf_start, leaf_start + 600);
    embed_sct(leaf_start);
    CertificateAuthority ca;
    ca.uri = "https://fulcio.test";
    X509_up_ref(intermediate.get());
    X509_up_ref(root.get());
    ca.chain = {std::shared_ptr<X509>(intermediate.get(), X509_free), std::shared_ptr<X509>(root.get(), X509_free)};
    ca.valid_for = TimeRange{signed_at - 86400, std::nullopt};
    trusted.source = "test-root.json";
    trusted.certificate_authorities = {ca};
    trusted.ctlogs = {log_of(ct_key.get(), "https://ct.test")};
    trusted.tlogs = {log_of(rekor_key.get(), "https://rekor.test")};
    artifact.path = "";
    artifact.digests[HashAlgorithm::sha256] = sha256_bytes("hello");
    std::string signature = test::sign(leaf_key.get(), EVP_sha256(), "hello");
    bundle.source = "test.sigstore.json";
    bundle.minor_version = 1;
    bundle.certificates = {certificate_der(leaf.get())};
    bundle.message_signature = MessageSignature{HashAlgorithm::sha256, sha256_bytes("hello"), signature};
    log_entry(signed_at, signature);
  }

  BundleVerifyOptions options(const std::string &subject_regexp = "https://github.com/acme/.+") const
  {
    BundleVerifyOptions result;
    result.trusted_root = &trusted;
    result.identities = {*make_identity_rule("", subject_regexp, issuer, "", "test")};
    result.now = signed_at;
    return result;
  }

  BundleReport verify(const BundleVerifyOptions &with) const
  {
    auto report = verify_bundle(bundle, artifact, with);
    REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.message()));
    return std::move(report).value();
  }
};

bool has_failure(const BundleReport &report, const std::string &needle)
{
  for (const auto &failure : report.failures) {
    if (failure.find(needle) != std::string::npos)
      return true;
  }
  return false;
}

} // namespace

TEST_CASE("keyless happy path: signature, SET, chain at the logged time, SCT, identity")
{
  Pki pki;
  BundleReport report = pki.verify(pki.options());
  CHECK_MESSAGE(report.verified(), (report.failures.empty() ? "" : report.failures.front()));
  CHECK(report.log_indexes == std::vector<int64_t>{42});
  for (const char *check :
       {"signature", "log-body", "signed-entry-timestamp", "certificate-chain", "sct", "identity"}) {
    CHECK(std::find(report.checks.begin(), report.checks.end(), check) != report.checks.end());
  }
  CHECK(report.signer.find(identity) != std::string::npos);
}

TEST_CASE("keyless: each broken link gives its own reason")
{
  SUBCASE("identity regexps are anchored")
  {
    Pki pki;
    BundleReport report = pki.verify(pki.options("https://github.com/acme/"));
    CHECK(has_failure(report, "certificate identity " + identity));
    CHECK(has_failure(report, "does not match identity matching ^(?:https://github.com/acme/)$"));
  }
  SUBCASE("issuer must match")
  {
    Pki pki;
    auto options = pki.options();
    options.identities = {*make_identity_rule(identity, "", "https://accounts.google.com", "", "test")};
    CHECK(has_failure(pki.verify(options), "(issuer " + issuer + ") does not match"));
  }
  SUBCASE("logged after the certificate expired")
  {
    Pki pki(signed_at - 3600);
    pki.log_entry(signed_at, pki.bundle.message_signature->signature);
    CHECK(has_failure(pki.verify(pki.options()), "certificate has expired"));
  }
  SUBCASE("forged signed entry timestamp")
  {
    Pki pki;
    pki.bundle.tlog_entries[0].integrated_time = signed_at + 1;
    CHECK(has_failure(pki.verify(pki.options()), "signed entry timestamp (SET) for log index 42 does not verify"));
  }
  SUBCASE("unknown CT log")
  {
    Pki pki;
    pki.trusted.ctlogs.clear();
    CHECK(has_failure(pki.verify(pki.options()), "no valid SCT"));
  }
  SUBCASE("CA not valid at the signing time")
  {
    Pki pki;
    pki.trusted.certificate_authorities[0].valid_for = TimeRange{signed_at + 10, std::nullopt};
    CHECK(has_failure(pki.verify(pki.options()), "no certificate authority in test-root.json is valid at"));
  }
  SUBCASE("the trusted CA chain above the leaf's issuer: each issues the next")
  {
    Pki pki;
    // Same key as the real root, another name: it did not issue the intermediate.
    X509Ptr stranger = make_cert("stranger", pki.root_key.get(), nullptr, pki.root_key.get(), true,
                                 signed_at - 86400 * 365, signed_at + 86400 * 365);
    pki.trusted.certificate_authorities[0].chain[1] = std::shared_ptr<X509>(stranger.release(), X509_free);
    CHECK(has_failure(pki.verify(pki.options()), "trusted CA chain of https://fulcio.test is broken"));
  }
  SUBCASE("the trusted CA chain above the leaf's issuer: valid at the signing time")
  {
    Pki pki;
    X509Ptr expired_root = make_cert("root", pki.root_key.get(), nullptr, pki.root_key.get(), true,
                                     signed_at - 86400 * 365, signed_at - 10);
    pki.trusted.certificate_authorities[0].chain[1] = std::shared_ptr<X509>(expired_root.release(), X509_free);
    CHECK(
        has_failure(pki.verify(pki.options()), "trusted CA certificate /CN=root of https://fulcio.test is not valid"));
  }
  SUBCASE("a leaf issued by another CA")
  {
    Pki pki;
    pki.trusted.certificate_authorities[0].chain.erase(pki.trusted.certificate_authorities[0].chain.begin());
    CHECK(has_failure(pki.verify(pki.options()), "signing certificate is not issued by https://fulcio.test"));
  }
  SUBCASE("log key validity ends before the entry (ends are inclusive)")
  {
    Pki pki;
    pki.trusted.tlogs[0].valid_for.end = signed_at;
    CHECK(pki.verify(pki.options()).verified());
    pki.trusted.tlogs[0].valid_for.end = signed_at - 1;
    CHECK(has_failure(pki.verify(pki.options()), "outside the log key validity"));
  }
  SUBCASE("another artifact")
  {
    Pki pki;
    pki.artifact.digests[HashAlgorithm::sha256] = sha256_bytes("other");
    CHECK(has_failure(pki.verify(pki.options()), "does not verify with the signing certificate"));
  }
  SUBCASE("log entry for another signature")
  {
    Pki pki;
    pki.log_entry(signed_at, test::sign(pki.leaf_key.get(), EVP_sha256(), "hello"));
    CHECK(has_failure(pki.verify(pki.options()), "differs from the bundle signature"));
  }
  SUBCASE("no proven time at all")
  {
    Pki pki;
    pki.bundle.tlog_entries.clear();
    BundleReport report = pki.verify(pki.options());
    CHECK(has_failure(report, "no transparency log entry"));
    CHECK(has_failure(report, "no verified signing time"));
  }
  SUBCASE("a root certificate inside the bundle is refused")
  {
    Pki pki;
    pki.bundle.certificates.push_back(certificate_der(pki.intermediate.get()));
    CHECK(pki.verify(pki.options()).verified());
    pki.bundle.certificates.push_back(certificate_der(pki.root.get()));
    CHECK(has_failure(pki.verify(pki.options()), "is a self-signed root"));
  }
  SUBCASE("keyless needs a trusted root and an identity")
  {
    Pki pki;
    auto options = pki.options();
    options.identities.clear();
    CHECK_FALSE(verify_bundle(pki.bundle, pki.artifact, options).ok());
    options = pki.options();
    options.trusted_root = nullptr;
    CHECK_FALSE(verify_bundle(pki.bundle, pki.artifact, options).ok());
  }
}

TEST_CASE("precertificate TBS cut from the DER equals OpenSSL's re-encoding without the SCT list")
{
  Pki pki;
  auto openssl_precert = [](X509 *cert) {
    X509Ptr copy(X509_dup(cert));
    int index = X509_get_ext_by_NID(copy.get(), NID_ct_precert_scts, -1);
    if (index >= 0)
      X509_EXTENSION_free(X509_delete_ext(copy.get(), index));
    unsigned char *out = nullptr;
    int length = i2d_re_X509_tbs(copy.get(), &out);
    std::string tbs(reinterpret_cast<char *>(out), static_cast<std::size_t>(length));
    OPENSSL_free(out);
    return tbs;
  };
  auto cut = precert_tbs_from_der(certificate_der(pki.leaf.get()));
  REQUIRE(cut.ok());
  CHECK(*cut == openssl_precert(pki.leaf.get()));
  CHECK(X509_get_ext_by_NID(pki.leaf.get(), NID_ct_precert_scts, -1) >= 0); // the leaf had one
  // Without an SCT list the TBS comes back whole.
  auto intermediate = precert_tbs_from_der(certificate_der(pki.intermediate.get()));
  REQUIRE(intermediate.ok());
  CHECK(*intermediate == openssl_precert(pki.intermediate.get()));
  // Broken framing is an error, never a guess.
  std::string der = certificate_der(pki.leaf.get());
  CHECK_FALSE(precert_tbs_from_der(der.substr(0, der.size() - 1)).ok());
  CHECK_FALSE(precert_tbs_from_der(der + "x").ok());
  CHECK_FALSE(precert_tbs_from_der("").ok());
  CHECK_FALSE(precert_tbs_from_der(std::string("\x30\x80\x00\x00", 4)).ok());
}
