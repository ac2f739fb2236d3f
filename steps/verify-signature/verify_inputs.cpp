#include "verify_inputs.hpp"

#include "attestation.hpp"
#include "digest.hpp"
#include "file_io.hpp"
#include "key_signatures.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

namespace relgate::sig
{

namespace
{

void add_file_ref(Inputs &inputs, const std::string &path, std::string_view content)
{
  inputs.files.push_back(FileRef{path, sha256_hex(content)});
}

Result<std::string> read_input(Inputs &inputs, const std::string &path, const std::string &flag)
{
  auto content = read_file(path);
  if (!content)
    return make_error(flag + ": " + content.message());
  add_file_ref(inputs, path, *content);
  return std::move(content).value();
}

} // namespace

Result<Inputs> gather_inputs(StepContext &context)
{
  const ParsedArgs &args = context.args;
  Inputs inputs;
  RELGATE_ASSIGN_OR_RETURN(inputs.policy, load_signature_policy(context.common.policy_path));
  inputs.keys = inputs.policy.keys;
  for (const auto &path : args.values("key")) {
    RELGATE_ASSIGN_OR_RETURN(auto content, read_input(inputs, path, "--key"));
    auto key = parse_public_key_file(content, "--key " + path);
    if (!key)
      return key.error();
    TrustedKey trusted;
    trusted.name = std::filesystem::path(path).filename().string();
    trusted.path = path;
    trusted.key = std::make_shared<PublicKey>(std::move(key).value());
    // A key listed twice must not count twice towards the threshold: the policy entry wins.
    bool known = std::any_of(inputs.keys.begin(), inputs.keys.end(),
                             [&](const TrustedKey &other) { return other.key->spki_der() == trusted.key->spki_der(); });
    if (!known)
      inputs.keys.push_back(std::move(trusted));
  }

  bool identity_flags = args.has("certificate-identity") || args.has("certificate-identity-regexp") ||
                        args.has("certificate-oidc-issuer") || args.has("certificate-oidc-issuer-regexp");
  if (identity_flags && args.has("key")) {
    // As cosign and the Sigstore conformance CLI: one run is either key-based or keyless.
    return make_error("--key and --certificate-identity/--certificate-oidc-issuer are mutually exclusive: "
                      "verify with a key or keyless, not both (the policy can list both kinds)");
  }
  if (identity_flags && args.has("threshold")) {
    return make_error("--threshold counts trusted keys, and --certificate-identity/--certificate-oidc-issuer make the "
                      "run keyless: drop one of them (the policy's threshold applies to its [[keys]])");
  }
  if (args.has("key") || args.has("threshold"))
    inputs.kind = RunKind::keys;
  if (identity_flags) {
    inputs.kind = RunKind::identity;
    RELGATE_ASSIGN_OR_RETURN(auto rule, make_identity_rule(args.value_or("certificate-identity", ""),
                                                           args.value_or("certificate-identity-regexp", ""),
                                                           args.value_or("certificate-oidc-issuer", ""),
                                                           args.value_or("certificate-oidc-issuer-regexp", ""),
                                                           "command line", identity_flag_names()));
    inputs.identities.push_back(std::move(rule));
  } else {
    inputs.identities = inputs.policy.identities;
  }

  std::string root_path = args.value_or("trusted-root", inputs.policy.trusted_root);
  if (!root_path.empty()) {
    RELGATE_ASSIGN_OR_RETURN(auto content, read_input(inputs, root_path, "--trusted-root"));
    RELGATE_ASSIGN_OR_RETURN(auto root, parse_trusted_root(content, root_path));
    inputs.trusted_root = std::make_unique<TrustedRoot>(std::move(root));
  }

  RELGATE_ASSIGN_OR_RETURN(auto threshold, args.integer("threshold", 1, 1000));
  inputs.threshold = threshold.value_or(inputs.policy.threshold);

  for (const auto &path : args.values("signature")) {
    RELGATE_ASSIGN_OR_RETURN(auto content, read_input(inputs, path, "--signature"));
    RELGATE_ASSIGN_OR_RETURN(auto raw, decode_signature_file(content, "--signature " + path));
    inputs.signatures.emplace_back(path, std::move(raw));
  }
  if (auto payload = args.value("payload")) {
    RELGATE_ASSIGN_OR_RETURN(auto content, read_input(inputs, *payload, "--payload"));
    inputs.payload = std::move(content);
  }
  for (const auto &path : args.values("bundle")) {
    RELGATE_ASSIGN_OR_RETURN(auto content, read_input(inputs, path, "--bundle"));
    RELGATE_ASSIGN_OR_RETURN(auto bundle, parse_bundle(content, path));
    inputs.bundles.push_back(std::move(bundle));
  }

  for (const auto &path : args.values("attestation")) {
    RELGATE_ASSIGN_OR_RETURN(auto content, read_input(inputs, path, "--attestation"));
    RELGATE_ASSIGN_OR_RETURN(auto envelope, parse_attestation_file(content, path));
    inputs.attestations.emplace_back(path, std::move(envelope));
  }

  if (inputs.signatures.empty() && inputs.bundles.empty() && inputs.attestations.empty()) {
    return make_error("nothing to verify: give --signature FILE (with --key), --bundle FILE or --attestation FILE");
  }
  if ((!inputs.signatures.empty() || !inputs.attestations.empty()) && inputs.keys.empty()) {
    return make_error("--signature and --attestation need a trusted key: pass --key PEM or list [[keys]] in " +
                      context.common.policy_path);
  }
  if (inputs.payload && inputs.signatures.empty())
    return make_error("--payload needs --signature");
  if (inputs.kind == RunKind::identity && (!inputs.signatures.empty() || !inputs.attestations.empty())) {
    return make_error(
        "--signature and --attestation are verified with keys, and --certificate-identity/"
        "--certificate-oidc-issuer make the run keyless: verify them in a run without the identity flags");
  }
  bool any_keyed =
      !inputs.signatures.empty() || !inputs.attestations.empty() ||
      std::any_of(inputs.bundles.begin(), inputs.bundles.end(), [](const auto &b) { return b.has_public_key; });
  if ((any_keyed || inputs.kind == RunKind::keys) && !inputs.keys.empty() &&
      inputs.threshold > static_cast<int64_t>(inputs.keys.size())) {
    return make_error("threshold " + std::to_string(inputs.threshold) + " exceeds the " +
                      std::to_string(inputs.keys.size()) + " trusted keys");
  }
  return inputs;
}

// Hash once, for every algorithm some key or certificate needs.
Result<Artifact> load_artifact(const ParsedArgs &args, const Inputs &inputs)
{
  auto artifact_path = args.value("artifact");
  auto digest_text = args.value("digest");
  if (artifact_path.has_value() == digest_text.has_value()) {
    return make_error("give exactly one of --artifact FILE or --digest sha256:HEX");
  }
  if (digest_text)
    return artifact_from_digest(*digest_text);
  std::set<HashAlgorithm> algorithms;
  // Does an Ed25519 key sign the artifact itself (not a digest, not a DSSE PAE)? Then its bytes
  // are kept in memory with the digests; otherwise the file is streamed, whatever its size.
  bool whole_message = false;
  bool keys_sign_artifact = (!inputs.signatures.empty() && !inputs.payload) ||
                            std::any_of(inputs.bundles.begin(), inputs.bundles.end(), [](const SigstoreBundle &b) {
                              return b.has_public_key && b.message_signature.has_value();
                            });
  for (const auto &key : inputs.keys) {
    if (auto algorithm = default_hash_for(key.key->kind))
      algorithms.insert(*algorithm);
    else
      whole_message = whole_message || keys_sign_artifact;
  }
  for (const auto &bundle : inputs.bundles) {
    if (bundle.certificates.empty())
      continue;
    auto cert = bundle.leaf_certificate();
    if (!cert)
      continue; // verification reports it
    auto key = public_key_from_pkey(PkeyPtr(X509_get_pubkey(*cert)), bundle.source);
    if (key) {
      if (auto algorithm = default_hash_for(key->kind))
        algorithms.insert(*algorithm);
      else
        whole_message = whole_message || bundle.message_signature.has_value();
    }
  }
  algorithms.insert(HashAlgorithm::sha256); // the evidence and every reason name it
  return artifact_from_file(*artifact_path, algorithms, whole_message);
}

ProvenanceRequirements provenance_requirements(const ParsedArgs &args, const SignaturePolicy &policy)
{
  ProvenanceRequirements required = policy.provenance;
  if (args.has("predicate-type"))
    required.predicate_types = args.values("predicate-type");
  if (args.has("builder-id"))
    required.builder_ids = args.values("builder-id");
  if (auto uri = args.value("source-uri"))
    required.source_repository = *uri;
  if (auto tag = args.value("source-tag"))
    required.source_ref = "refs/tags/" + *tag;
  if (auto branch = args.value("source-branch"))
    required.source_ref = "refs/heads/" + *branch;
  return required;
}

} // namespace relgate::sig
