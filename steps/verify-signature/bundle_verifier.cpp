#include "bundle_verifier.hpp"

#include "attestation.hpp"
#include "dsse.hpp"
#include "encoding.hpp"
#include "fulcio_certificate.hpp"
#include "key_signatures.hpp"
#include "rfc3161.hpp"
#include "sct.hpp"
#include "signature_verify.hpp"
#include "tlog_verifier.hpp"

#include <openssl/x509v3.h>

#include <algorithm>

namespace relgate::sig {

namespace {

struct Content
{
  const SigstoreBundle& bundle;
  const Artifact& artifact;
  std::string pae;

  Result<void> verify_with(const PublicKey& key) const
  {
    if (bundle.message_signature) return verify_artifact_signature(key, artifact, bundle.message_signature->signature);
    return verify_message_signature(key, pae, bundle.dsse_envelope->signatures[0].sig);
  }
};

std::string join(const std::vector<std::string>& items, const std::string& separator = ", ")
{
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

} // namespace

Result<BundleReport> verify_bundle(const SigstoreBundle& bundle, const Artifact& artifact,
                                   const BundleVerifyOptions& options)
{
  BundleReport report;
  const std::string& source = bundle.source;
  const TrustedRoot* root = options.trusted_root;
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
  X509Ptr leaf;
  const TrustedKey* signer_key = nullptr;
  if (bundle.has_public_key) {
    if (options.keys.empty()) {
      report.failures.push_back("bundle is signed with a managed key (hint " +
                                (bundle.public_key_hint.empty() ? std::string("none") : bundle.public_key_hint) +
                                ") but no key was given: pass --key or [[keys]] in the policy");
      return report;
    }
    std::vector<std::string> tried;
    for (const auto& key : options.keys) {
      auto checked = content.verify_with(*key.key);
      if (checked) {
        signer_key = &key;
        break;
      }
      tried.push_back(key.label() + ": " + checked.message());
    }
    if (signer_key == nullptr) {
      report.failures.push_back("bundle signature does not verify with any trusted key (" + join(tried, "; ") + ")");
      return report;
    }
    if (bundle.dsse_envelope && !bundle.public_key_hint.empty() && !bundle.dsse_envelope->signatures[0].keyid.empty() &&
        bundle.dsse_envelope->signatures[0].keyid != bundle.public_key_hint) {
      report.failures.push_back("DSSE keyid '" + bundle.dsse_envelope->signatures[0].keyid +
                                "' differs from the bundle's key hint '" + bundle.public_key_hint + "'");
    }
    report.key_name = signer_key->name;
    report.signer = "key " + signer_key->label();
    expected.verifier_is_certificate = false;
    expected.verifier_der = signer_key->key->spki_der();
  } else {
    if (root == nullptr) {
      return make_error(source + ": keyless bundle (certificate) needs --trusted-root FILE (trusted_root.json)");
    }
    if (options.identities.empty()) {
      return make_error(source + ": keyless bundle needs --certificate-identity(-regexp) and "
                                 "--certificate-oidc-issuer(-regexp), or [[identities]] in the policy");
    }
    auto parsed = parse_der_certificate(bundle.certificates.front(), source + ": signing certificate");
    if (!parsed) {
      report.failures.push_back(parsed.message());
      return report;
    }
    leaf = std::move(parsed).value();
    // Trust comes only from the trusted root: a self-signed certificate in the bundle is refused.
    for (std::size_t i = 0; i < bundle.certificates.size(); ++i) {
      auto cert = parse_der_certificate(bundle.certificates[i], source + ": certificate " + std::to_string(i));
      if (cert && X509_check_issued(cert->get(), cert->get()) == X509_V_OK) {
        report.failures.push_back("bundle certificate " + std::to_string(i) + " (" + certificate_subject(cert->get()) +
                                  ") is a self-signed root; roots come only from the trusted root");
        return report;
      }
    }
    auto key = public_key_from_pkey(PkeyPtr(X509_get_pubkey(leaf.get())), source + ": certificate key");
    if (!key) {
      report.failures.push_back(key.message());
      return report;
    }
    auto checked = content.verify_with(*key);
    if (!checked) {
      report.failures.push_back("bundle signature does not verify with the signing certificate: " + checked.message());
      return report;
    }
    expected.verifier_der = bundle.certificates.front();
  }
  report.checks.push_back("signature");
  // messageDigest is only a hint, but a hint naming another artifact means a mixed-up bundle.
  if (bundle.message_signature && bundle.message_signature->digest_algorithm && !bundle.message_signature->digest.empty()) {
    auto ours = artifact.digests.find(*bundle.message_signature->digest_algorithm);
    if (ours != artifact.digests.end() && ours->second != bundle.message_signature->digest) {
      std::string name(hash_algorithm_name(ours->first));
      report.failures.push_back("bundle messageDigest " + name + ":" + hex_encode(bundle.message_signature->digest) +
                                " differs from the artifact's " + name + ":" + hex_encode(ours->second));
    }
  }
  if (bundle.dsse_envelope) {
    auto statement = statement_for_artifact(*bundle.dsse_envelope, artifact, source);
    if (statement) {
      report.checks.push_back("attestation-subject");
      report.statement = std::move(statement).value();
    } else {
      report.failures.push_back(statement.message());
    }
  }

  // 2. Transparency log and timestamps: only with a trusted root (offline trust anchors).
  if (root != nullptr) {
    if (bundle.tlog_entries.empty()) {
      report.failures.push_back("bundle has no transparency log entry (signature not found in transparency log)");
    }
    std::vector<std::pair<int64_t, TimeRange>> unanchored_logs; // entries proven without a SET
    for (const auto& entry : bundle.tlog_entries) {
      auto checked = verify_tlog_entry(entry, bundle.minor_version, *root, expected);
      if (!checked) {
        report.failures.push_back(checked.message());
        continue;
      }
      report.log_indexes.push_back(entry.log_index);
      for (const auto& check : checked->checks) {
        if (std::find(report.checks.begin(), report.checks.end(), check) == report.checks.end()) report.checks.push_back(check);
      }
      if (checked->verified_time) report.verified_times.push_back(*checked->verified_time);
      else unanchored_logs.emplace_back(entry.log_index, checked->log_valid_for);
    }
    for (std::size_t i = 0; i < bundle.rfc3161_timestamps.size(); ++i) {
      auto stamp = verify_rfc3161_timestamp(bundle.rfc3161_timestamps[i], bundle.signature_bytes(), *root);
      if (stamp) {
        report.verified_times.push_back(stamp->time);
        report.checks.push_back("rfc3161-timestamp");
      } else {
        // An unverifiable timestamp proves nothing but does not poison the bundle (sigstore-go).
        report.notes.push_back("RFC 3161 timestamp " + std::to_string(i) + " ignored: " + stamp.message());
      }
    }
    // Rekor v2 entries carry no time of their own: the log key must be valid at the stamped times.
    for (const auto& [index, valid_for] : unanchored_logs) {
      for (std::time_t time : report.verified_times) {
        if (!valid_for.contains(time)) {
          report.failures.push_back("log index " + std::to_string(index) + ": log key validity " +
                                    valid_for.describe() + " does not cover the signing time " + format_epoch(time));
          break;
        }
      }
    }
  } else {
    report.notes.push_back("transparency log and timestamps not checked: no --trusted-root");
  }

  // 3. Certificate at every proven time, SCT and identity; or the key's validity window.
  if (leaf) {
    if (report.verified_times.empty()) {
      std::string why = report.notes.empty() ? "" : " (" + join(report.notes, "; ") + ")";
      report.failures.push_back("no verified signing time: the bundle needs a signed entry timestamp (Rekor v1) "
                                "or an RFC 3161 timestamp from a trusted TSA" + why);
      return report;
    }
    X509Ptr issuer;
    for (std::time_t time : report.verified_times) {
      auto chain = verify_certificate_chain(leaf.get(), *root, time);
      if (!chain) {
        report.failures.push_back("signing certificate: " + chain.message());
        return report;
      }
      if (!issuer) issuer = std::move(chain->issuer);
    }
    report.checks.push_back("certificate-chain");
    auto scts = verify_embedded_scts(leaf.get(), issuer.get(), *root);
    if (!scts) report.failures.push_back(scts.message());
    else report.checks.push_back("sct");
    auto identity = certificate_identity(leaf.get());
    if (!identity) {
      report.failures.push_back(identity.message());
      return report;
    }
    bool matched = std::any_of(options.identities.begin(), options.identities.end(), [&](const IdentityRule& rule) {
      return rule.matches(identity->subjects, identity->issuer);
    });
    if (!matched) {
      std::vector<std::string> wanted;
      for (const auto& rule : options.identities) wanted.push_back(rule.describe());
      report.failures.push_back("certificate identity " + join(identity->subjects) + " (issuer " + identity->issuer +
                                ") does not match " + join(wanted, " or "));
    } else {
      report.checks.push_back("identity");
      report.signer = "identity " + identity->subjects.front() + " (issuer " + identity->issuer + ")";
    }
  } else if (signer_key != nullptr) {
    std::vector<std::time_t> times = report.verified_times;
    if (times.empty()) times.push_back(options.now);
    for (std::time_t time : times) {
      std::string problem = signer_key->window_problem(time);
      if (!problem.empty()) {
        report.failures.push_back(problem);
        break;
      }
    }
  }
  return report;
}

} // namespace relgate::sig
