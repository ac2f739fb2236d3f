#include "verify_step.hpp"

#include "attestation.hpp"
#include "bundle_verifier.hpp"
#include "encoding.hpp"
#include "key_signatures.hpp"
#include "simple_signing.hpp"
#include "text_join.hpp"
#include "time_util.hpp"
#include "verify_inputs.hpp"

#include <algorithm>

namespace relgate::sig
{

namespace
{

template <typename T> void add_unique(std::vector<T> &items, const T &item)
{
  if (std::find(items.begin(), items.end(), item) == items.end())
    items.push_back(item);
}

JsonValue int_array(const std::vector<int64_t> &items, JsonAllocator &allocator)
{
  JsonValue array(rapidjson::kArrayType);
  for (int64_t item : items)
    array.PushBack(JsonValue(static_cast<int64_t>(item)), allocator);
  return array;
}

Result<StepOutcome> decide(StepContext &context)
{
  RELGATE_ASSIGN_OR_RETURN(Inputs inputs, gather_inputs(context));
  RELGATE_ASSIGN_OR_RETURN(Artifact artifact, load_artifact(context.args, inputs));
  const std::time_t now = std::chrono::system_clock::to_time_t(current_time());
  ProvenanceRequirements required = provenance_requirements(context.args, inputs.policy);

  StepOutcome outcome;
  std::vector<std::string> failures;
  std::vector<std::string> checks;
  std::vector<std::string> verified_keys;
  std::vector<std::string> identities;
  std::vector<int64_t> log_indexes;
  std::vector<Statement> statements;
  std::vector<std::string> notes;
  std::vector<std::string> signature_problems; // detached signatures no trusted key verified

  if (!inputs.signatures.empty()) {
    DetachedSignatureReport report =
        verify_detached_signatures(inputs.signatures, inputs.keys, artifact, inputs.payload, now);
    for (const auto &name : report.verified_keys)
      add_unique(verified_keys, name);
    checks.push_back("key-signature");
    outcome.checks.push_back(
        CheckResult{"key-signature", report.problems.empty(), report.problems.empty() ? "" : report.problems.front()});
    // Extra signatures nobody trusts cannot lower trust; they only matter if the threshold fails.
    signature_problems = report.problems;
    notes.insert(notes.end(), report.problems.begin(), report.problems.end());
    if (inputs.payload) {
      auto named = simple_signing_digest(*inputs.payload, context.args.value_or("payload", ""));
      if (!named)
        return named.error();
      std::string mismatch = simple_signing_mismatch(*named, artifact.primary_digest());
      outcome.checks.push_back(CheckResult{"simple-signing-digest", mismatch.empty(), mismatch});
      if (!mismatch.empty())
        failures.push_back(mismatch);
      checks.push_back("simple-signing-digest");
    }
  }

  BundleVerifyOptions options;
  options.trusted_root = inputs.trusted_root.get();
  // A keyless run trusts certificates of its identity only, never a key the policy lists.
  if (inputs.kind != RunKind::identity)
    options.keys = inputs.keys;
  options.identities = inputs.identities;
  options.now = now;
  for (const auto &bundle : inputs.bundles) {
    if (bundle.has_public_key && inputs.kind == RunKind::identity) {
      std::string problem = "bundle is signed with a key, but the command line asks for a keyless signature by " +
                            inputs.identities.front().describe();
      failures.push_back(bundle.source + ": " + problem);
      outcome.checks.push_back(CheckResult{"bundle " + bundle.source, false, problem});
      continue;
    }
    RELGATE_ASSIGN_OR_RETURN(BundleReport report, verify_bundle(bundle, artifact, options));
    for (const auto &failure : report.failures)
      failures.push_back(bundle.source + ": " + failure);
    for (const auto &note : report.notes)
      notes.push_back(bundle.source + ": " + note);
    for (const auto &check : report.checks)
      add_unique(checks, check);
    outcome.checks.push_back(CheckResult{"bundle " + bundle.source, report.verified(),
                                         report.verified() ? report.signer : report.failures.front()});
    if (!report.verified())
      continue;
    log_indexes.insert(log_indexes.end(), report.log_indexes.begin(), report.log_indexes.end());
    if (!report.key_name.empty())
      add_unique(verified_keys, report.key_name);
    else if (!report.signer.empty())
      add_unique(identities, report.signer);
    if (report.statement)
      statements.push_back(*report.statement);
  }

  for (const auto &[source, envelope] : inputs.attestations) {
    AttestationReport report = verify_attestation(envelope, source, inputs.keys, artifact, now);
    bool verified = report.failures.empty();
    outcome.checks.push_back(CheckResult{"attestation " + source, verified, verified ? "" : report.failures.front()});
    for (const auto &name : report.verified_keys)
      add_unique(verified_keys, name);
    if (!verified) {
      failures.insert(failures.end(), report.failures.begin(), report.failures.end());
      continue;
    }
    add_unique(checks, std::string("attestation-signature"));
    add_unique(checks, std::string("attestation-subject"));
    statements.push_back(*report.statement);
  }

  // A key run counts keys even when only keyless material came: the keys it names must have signed.
  bool keyed =
      inputs.kind == RunKind::keys || !inputs.signatures.empty() || !inputs.attestations.empty() ||
      std::any_of(inputs.bundles.begin(), inputs.bundles.end(), [](const auto &b) { return b.has_public_key; });
  if (keyed) {
    bool met = static_cast<int64_t>(verified_keys.size()) >= inputs.threshold;
    std::string verified_list = join(verified_keys, ", ");
    std::string message = std::to_string(verified_keys.size()) + " of " + std::to_string(inputs.threshold) +
                          " required trusted keys signed" + (verified_list.empty() ? "" : " (" + verified_list + ")");
    outcome.checks.push_back(CheckResult{"threshold", met, message});
    if (!met) {
      // The specific problems first ("signature does not verify with key ..."), then the count.
      for (const auto &problem : signature_problems)
        failures.push_back(problem);
      if (inputs.kind == RunKind::keys && !identities.empty()) {
        failures.push_back("keyless signatures (" + join(identities, ", ") +
                           ") do not count: --key / --threshold make the run key-based");
      }
      failures.push_back("only " + message);
    }
  }

  if (required.any()) {
    std::vector<std::string> problems;
    bool satisfied = false;
    for (const auto &statement : statements) {
      auto found = check_provenance(statement, required);
      if (found.empty())
        satisfied = true;
      problems.insert(problems.end(), found.begin(), found.end());
    }
    if (statements.empty())
      problems.push_back("no verified attestation carries provenance; the policy requires it");
    outcome.checks.push_back(CheckResult{"provenance", satisfied, satisfied ? "" : problems.front()});
    if (!satisfied)
      failures.insert(failures.end(), problems.begin(), problems.end());
    else
      checks.push_back("provenance");
  }

  Digest digest = artifact.primary_digest();
  outcome.decision = failures.empty() ? Decision::allow : Decision::deny;
  if (failures.empty()) {
    std::vector<std::string> signers;
    for (const auto &name : verified_keys)
      signers.push_back("key " + name);
    signers.insert(signers.end(), identities.begin(), identities.end());
    std::string who = join(signers, ", ");
    std::string what = artifact.path.empty() ? digest.str() : artifact.path + " (" + digest.str() + ")";
    outcome.reasons.push_back(what + " is signed by " + who);
  } else {
    outcome.reasons = failures;
  }

  JsonAllocator &allocator = outcome.summary.GetAllocator();
  set_member(outcome.summary, "digest", digest.str(), allocator);
  set_member(outcome.summary, "checks", json_string_array(checks, allocator), allocator);
  set_member(outcome.summary, "verified_keys", json_string_array(verified_keys, allocator), allocator);
  set_member(outcome.summary, "identities", json_string_array(identities, allocator), allocator);
  set_member(outcome.summary, "log_indexes", int_array(log_indexes, allocator), allocator);
  set_member(outcome.summary, "threshold", JsonValue(static_cast<int64_t>(inputs.threshold)), allocator);
  std::vector<std::string> predicate_types;
  for (const auto &statement : statements)
    add_unique(predicate_types, statement.predicate_type);
  set_member(outcome.summary, "predicate_types", json_string_array(predicate_types, allocator), allocator);
  if (!notes.empty())
    set_member(outcome.summary, "notes", json_string_array(notes, allocator), allocator);

  outcome.policy = inputs.policy.ref;
  outcome.inputs = inputs.files;
  if (!artifact.path.empty())
    outcome.inputs.push_back(FileRef{artifact.path, digest.hex});
  outcome.judged_digest = digest;
  outcome.outputs.emplace_back("digest", digest.str());
  std::string details = "checks: ";
  for (std::size_t i = 0; i < checks.size(); ++i)
    details += (i ? ", " : "") + checks[i];
  if (!log_indexes.empty()) {
    details += "\nlog indexes: ";
    for (std::size_t i = 0; i < log_indexes.size(); ++i)
      details += (i ? ", " : "") + std::to_string(log_indexes[i]);
  }
  for (const auto &note : notes)
    details += "\nnote: " + printable_line(note);
  outcome.text_details = details + "\n";
  return outcome;
}

} // namespace

// Every message leaves through printable_line (common/encoding.hpp), the net under the fields
// quoted with printable_excerpt: a field quoted raw cannot add a line or reach the terminal.
Result<StepOutcome> run_verify_signature(StepContext &context)
{
  auto outcome = decide(context);
  if (!outcome)
    return make_error(printable_line(outcome.message()));
  for (auto &reason : outcome->reasons)
    reason = printable_line(reason);
  for (auto &check : outcome->checks)
    check.message = printable_line(check.message);
  return outcome;
}

StepSpec verify_signature_spec()
{
  StepSpec spec;
  spec.name = "verify-signature";
  spec.usage = "verify-signature (--artifact FILE | --digest sha256:HEX) "
               "(--key PEM --signature FILE | --bundle FILE | --key PEM --attestation FILE) [options]";
  spec.description = "Checks, offline, that an artifact is signed by someone the policy trusts: cosign key signatures "
                     "(sign-blob, simple-signing payloads), Sigstore bundles v0.1-v0.3 with a key or keyless "
                     "(Fulcio certificate, SCT, Rekor v1/v2 log proofs, RFC 3161 timestamps against --trusted-root), "
                     "and DSSE / in-toto / SLSA provenance. Never touches the network.";
  spec.options = {
      value_option("artifact", "FILE", "the artifact to verify (hashed once, streamed)"),
      value_option("digest", "DIGEST", "the artifact's digest (sha256:HEX) when the file is not at hand"),
      repeated_option("key", "PEM", "trusted public key (PKIX or PKCS#1 PEM); adds to the policy's [[keys]]"),
      repeated_option("signature", "FILE", "detached signature (base64 as cosign writes it, or raw DER)"),
      value_option("payload", "FILE", "cosign simple-signing payload the --signature covers (image signatures)"),
      repeated_option("bundle", "FILE", "Sigstore bundle (.sigstore.json, v0.1-v0.3) or cosign --bundle file"),
      repeated_option("attestation", "FILE", "DSSE envelope (in-toto statement) signed with a trusted key"),
      value_option("trusted-root", "FILE", "trusted_root.json: Fulcio, Rekor, CT logs, TSAs (offline trust)"),
      value_option("certificate-identity", "SAN", "expected signer identity (exact)"),
      value_option("certificate-identity-regexp", "REGEXP",
                   "expected signer identity (RE2 regexp, anchored: the whole SAN must match)"),
      value_option("certificate-oidc-issuer", "URL", "expected OIDC issuer (exact)"),
      value_option("certificate-oidc-issuer-regexp", "REGEXP", "expected OIDC issuer (RE2 regexp, anchored)"),
      value_option("threshold", "K", "distinct trusted keys that must have signed (overrides the policy)"),
      repeated_option("predicate-type", "URI", "required attestation predicate type"),
      repeated_option("builder-id", "ID",
                      "trusted SLSA builder.id (a trailing '@' trusts its release tags, refs/tags/...)"),
      value_option("source-uri", "URI", "expected source repository (github.com/org/repo)"),
      value_option("source-tag", "TAG", "expected source tag (refs/tags/TAG)"),
      value_option("source-branch", "BRANCH", "expected source branch (refs/heads/BRANCH)"),
  };
  spec.default_policy = "signature.toml";
  spec.run = run_verify_signature;
  return spec;
}

} // namespace relgate::sig
