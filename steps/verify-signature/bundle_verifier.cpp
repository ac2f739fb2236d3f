#include "bundle_verifier.hpp"

#include "attestation.hpp"
#include "dsse.hpp"
#include "encoding.hpp"
#include "fulcio_certificate.hpp"
#include "key_signatures.hpp"
#include "rfc3161.hpp"
#include "sct.hpp"
#include "signature_verify.hpp"
#include "text_join.hpp"
#include "tlog_verifier.hpp"

#include <openssl/x509v3.h>

#include <algorithm>

namespace relgate::sig
{

namespace
{

struct Content {
  const SigstoreBundle &bundle;
  const Artifact &artifact;
  std::string pae;

  Result<void> verify_with(const PublicKey &key) const
  {
    if (bundle.message_signature)
      return verify_artifact_signature(key, artifact, bundle.message_signature->signature);
    return verify_message_signature(key, pae, bundle.dsse_envelope->signatures[0].sig);
  }
};

// Certificate text (SANs, issuer) is the signer's: quoted escaped, as every other bundle field.
std::string quoted(const std::string &text)
{
  return printable_excerpt(text);
}

void add_check(BundleReport &report, const std::string &check)
{
  if (std::find(report.checks.begin(), report.checks.end(), check) == report.checks.end())
    report.checks.push_back(check);
}

// Managed key: the first trusted key that verifies is the signer.
const TrustedKey *verify_key_signer(const SigstoreBundle &bundle, const Content &content,
                                    const std::vector<TrustedKey> &keys, BundleReport &report)
{
  if (keys.empty()) {
    report.failures.push_back(
        "bundle is signed with a managed key (hint " +
        (bundle.public_key_hint.empty() ? std::string("none") : printable_excerpt(bundle.public_key_hint)) +
        ") but no key was given: pass --key or [[keys]] in the policy");
    return nullptr;
  }
  std::vector<std::string> tried;
  for (const auto &key : keys) {
    auto checked = content.verify_with(*key.key);
    if (!checked) {
      tried.push_back(key.label() + ": " + checked.message());
      continue;
    }
    const std::string &keyid = bundle.dsse_envelope ? bundle.dsse_envelope->signatures[0].keyid : std::string();
    if (!bundle.public_key_hint.empty() && !keyid.empty() && keyid != bundle.public_key_hint) {
      report.failures.push_back("DSSE keyid '" + printable_excerpt(keyid) + "' differs from the bundle's key hint '" +
                                printable_excerpt(bundle.public_key_hint) + "'");
    }
    report.key_name = key.name;
    report.signer = "key " + key.label();
    return &key;
  }
  report.failures.push_back("bundle signature does not verify with any trusted key (" + join(tried, "; ") + ")");
  return nullptr;
}

// Keyless: the signature verifies with the leaf certificate's key; roots never come from the bundle.
X509 *verify_keyless_signature(const SigstoreBundle &bundle, const Content &content, BundleReport &report)
{
  auto leaf = bundle.leaf_certificate();
  if (!leaf) {
    report.failures.push_back(leaf.message());
    return nullptr;
  }
  for (std::size_t i = 0; i < bundle.certificates.size(); ++i) {
    X509Ptr parsed;
    X509 *cert = *leaf;
    if (i > 0) {
      auto other = parse_der_certificate(bundle.certificates[i], bundle.source + ": certificate " + std::to_string(i));
      if (!other) {
        report.failures.push_back(other.message());
        return nullptr;
      }
      parsed = std::move(other).value();
      cert = parsed.get();
    }
    if (X509_check_issued(cert, cert) == X509_V_OK) {
      report.failures.push_back("bundle certificate " + std::to_string(i) + " (" + certificate_subject(cert) +
                                ") is a self-signed root; roots come only from the trusted root");
      return nullptr;
    }
  }
  auto key = public_key_from_pkey(PkeyPtr(X509_get_pubkey(*leaf)), bundle.source + ": certificate key");
  if (!key) {
    report.failures.push_back(key.message());
    return nullptr;
  }
  auto checked = content.verify_with(*key);
  if (!checked) {
    report.failures.push_back("bundle signature does not verify with the signing certificate: " + checked.message());
    return nullptr;
  }
  return *leaf;
}

// messageDigest is only a hint, but a hint naming another artifact means a mixed-up bundle.
void check_message_digest_hint(const SigstoreBundle &bundle, const Artifact &artifact, BundleReport &report)
{
  if (!bundle.message_signature || !bundle.message_signature->digest_algorithm ||
      bundle.message_signature->digest.empty()) {
    return;
  }
  auto ours = artifact.digests.find(*bundle.message_signature->digest_algorithm);
  if (ours != artifact.digests.end() && ours->second != bundle.message_signature->digest) {
    std::string name(hash_algorithm_name(ours->first));
    report.failures.push_back("bundle messageDigest " + name + ":" + hex_encode(bundle.message_signature->digest) +
                              " differs from the artifact's " + name + ":" + hex_encode(ours->second));
  }
}

// Log entries and RFC 3161 timestamps; every verified time lands in report.verified_times.
void check_transparency(const SigstoreBundle &bundle, const TrustedRoot &root, const ExpectedBody &expected,
                        BundleReport &report)
{
  if (bundle.tlog_entries.empty()) {
    report.failures.push_back("bundle has no transparency log entry (signature not found in transparency log)");
  }
  std::vector<std::pair<int64_t, TimeRange>> unanchored_logs; // entries proven without a SET
  for (const auto &entry : bundle.tlog_entries) {
    auto checked = verify_tlog_entry(entry, bundle.minor_version, root, expected);
    if (!checked) {
      report.failures.push_back(checked.message());
      continue;
    }
    report.log_indexes.push_back(entry.log_index);
    for (const auto &check : checked->checks)
      add_check(report, check);
    if (checked->verified_time)
      report.verified_times.push_back(*checked->verified_time);
    else
      unanchored_logs.emplace_back(entry.log_index, checked->log_valid_for);
  }
  for (std::size_t i = 0; i < bundle.rfc3161_timestamps.size(); ++i) {
    auto stamp = verify_rfc3161_timestamp(bundle.rfc3161_timestamps[i], bundle.signature_bytes(), root);
    if (stamp) {
      report.verified_times.push_back(stamp->time);
      add_check(report, "rfc3161-timestamp");
    } else {
      // An unverifiable timestamp proves nothing but does not poison the bundle (sigstore-go).
      report.notes.push_back("RFC 3161 timestamp " + std::to_string(i) + " ignored: " + stamp.message());
    }
  }
  // Rekor v2 entries carry no time of their own: the log key must be valid at the stamped times.
  for (const auto &[index, valid_for] : unanchored_logs) {
    for (std::time_t time : report.verified_times) {
      if (!valid_for.contains(time)) {
        report.failures.push_back("log index " + std::to_string(index) + ": log key validity " + valid_for.describe() +
                                  " does not cover the signing time " + format_epoch(time));
        break;
      }
    }
  }
}

// The certificate must chain to a trusted CA at every proven time, carry a valid SCT and name
// an identity the policy trusts.
void check_certificate(X509 *leaf, const TrustedRoot &root, const std::vector<IdentityRule> &identities,
                       BundleReport &report)
{
  if (report.verified_times.empty()) {
    std::string why = report.notes.empty() ? "" : " (" + join(report.notes, "; ") + ")";
    report.failures.push_back("no verified signing time: the bundle needs a signed entry timestamp (Rekor v1) "
                              "or an RFC 3161 timestamp from a trusted TSA" +
                              why);
    return;
  }
  X509Ptr issuer;
  for (std::time_t time : report.verified_times) {
    auto chain = verify_certificate_chain(leaf, root, time);
    if (!chain) {
      report.failures.push_back("signing certificate: " + chain.message());
      return;
    }
    if (!issuer)
      issuer = std::move(chain->issuer);
  }
  add_check(report, "certificate-chain");
  auto scts = verify_embedded_scts(leaf, issuer.get(), root);
  if (scts)
    add_check(report, "sct");
  else
    report.failures.push_back(scts.message());
  auto identity = certificate_identity(leaf);
  if (!identity) {
    report.failures.push_back(identity.message());
    return;
  }
  bool matched = std::any_of(identities.begin(), identities.end(), [&](const IdentityRule &rule) {
    return rule.matches(identity->subjects, identity->issuer);
  });
  if (!matched) {
    std::vector<std::string> wanted;
    for (const auto &rule : identities)
      wanted.push_back(rule.describe());
    report.failures.push_back("certificate identity " + join(identity->subjects, ", ", quoted) + " (issuer " +
                              printable_excerpt(identity->issuer) + ") does not match " + join(wanted, " or "));
    return;
  }
  add_check(report, "identity");
  report.signer = "identity " + printable_excerpt(identity->subjects.front()) + " (issuer " +
                  printable_excerpt(identity->issuer) + ")";
}

// A managed key counts only inside its validity window: at the proven times, or now.
void check_key_window(const TrustedKey &key, std::time_t now, BundleReport &report)
{
  std::vector<std::time_t> times = report.verified_times;
  if (times.empty())
    times.push_back(now);
  for (std::time_t time : times) {
    std::string problem = key.window_problem(time);
    if (!problem.empty()) {
      report.failures.push_back(problem);
      return;
    }
  }
}

} // namespace

Result<BundleReport> verify_bundle(const SigstoreBundle &bundle, const Artifact &artifact,
                                   const BundleVerifyOptions &options)
{
  const TrustedRoot *root = options.trusted_root;
  if (!bundle.has_public_key && root == nullptr) {
    return make_error(bundle.source + ": keyless bundle (certificate) needs --trusted-root FILE (trusted_root.json)");
  }
  if (!bundle.has_public_key && options.identities.empty()) {
    return make_error(bundle.source + ": keyless bundle needs --certificate-identity(-regexp) and "
                                      "--certificate-oidc-issuer(-regexp), or [[identities]] in the policy");
  }
  BundleReport report;
  Content content{bundle, artifact, {}};
  if (bundle.dsse_envelope) {
    if (bundle.dsse_envelope->signatures.size() != 1) {
      report.failures.push_back("DSSE envelope must carry exactly one signature, has " +
                                std::to_string(bundle.dsse_envelope->signatures.size()));
      return report;
    }
    content.pae = dsse_pae(bundle.dsse_envelope->payload_type, bundle.dsse_envelope->payload);
  }

  // 1. Who signed, and does the signature verify.
  ExpectedBody expected;
  expected.signature = bundle.signature_bytes();
  expected.dsse = bundle.dsse_envelope ? &*bundle.dsse_envelope : nullptr;
  expected.artifact_digests = artifact.digests;
  X509 *leaf = nullptr; // owned by the bundle
  const TrustedKey *signer_key = nullptr;
  if (bundle.has_public_key) {
    signer_key = verify_key_signer(bundle, content, options.keys, report);
    if (signer_key == nullptr)
      return report;
    expected.verifier_is_certificate = false;
    expected.verifier_der = signer_key->key->spki_der();
  } else {
    leaf = verify_keyless_signature(bundle, content, report);
    if (leaf == nullptr)
      return report;
    expected.verifier_der = bundle.certificates.front();
  }
  report.checks.push_back("signature");
  check_message_digest_hint(bundle, artifact, report);
  if (bundle.dsse_envelope) {
    auto statement = statement_for_artifact(*bundle.dsse_envelope, artifact, bundle.source);
    if (statement) {
      add_check(report, "attestation-subject");
      report.statement = std::move(statement).value();
    } else {
      report.failures.push_back(statement.message());
    }
  }

  // 2. Transparency log and timestamps: only with a trusted root (offline trust anchors).
  if (root != nullptr)
    check_transparency(bundle, *root, expected, report);
  else
    report.notes.push_back("transparency log and timestamps not checked: no --trusted-root");

  // 3. The certificate at every proven time, or the managed key's validity window.
  if (leaf != nullptr)
    check_certificate(leaf, *root, options.identities, report);
  else
    check_key_window(*signer_key, options.now, report);
  return report;
}

} // namespace relgate::sig
