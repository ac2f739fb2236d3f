#include "evidence_trust.hpp"

#include <cstdlib>

namespace relgate::gitops
{

Result<EvidencePolicy> read_evidence_policy(PolicyTable &root, const std::string &policy_path)
{
  EvidencePolicy policy;
  RELGATE_ASSIGN_OR_RETURN(auto evidence, root.table("evidence"));
  if (!evidence)
    return policy;
  RELGATE_ASSIGN_OR_RETURN(auto keys, evidence->string_array("trusted_keys"));
  RELGATE_ASSIGN_OR_RETURN(auto allow_unsigned, evidence->boolean("allow_unsigned"));
  RELGATE_TRY(evidence->finish());
  auto slash = policy_path.rfind('/');
  auto dir = slash == std::string::npos ? std::string() : policy_path.substr(0, slash + 1);
  for (const auto &key : keys.value_or(std::vector<std::string>{})) {
    if (key.empty())
      return evidence->error_at("trusted_keys", "an empty path: name a PEM public key file");
    policy.trusted_key_paths.push_back(key.front() == '/' ? key : dir + key);
  }
  policy.allow_unsigned = allow_unsigned.value_or(false);
  return policy;
}

Result<EvidencePolicy> load_evidence_policy(const std::string &policy_path)
{
  // 1 = the promotion policy format version (promote checks the rest of the file).
  RELGATE_ASSIGN_OR_RETURN(auto loaded, load_policy(policy_path, 1));
  return read_evidence_policy(*loaded.root, loaded.path);
}

Result<EvidenceTrust> load_evidence_trust(const EvidencePolicy &policy, const std::string &policy_path,
                                          const std::vector<std::string> &cli_key_paths, const std::string &step)
{
  EvidenceTrust trust;
  auto add_keys = [&](const std::string &path, const std::string &origin) -> Result<void> {
    auto pems = read_public_key_pems(path);
    if (!pems) {
      return make_error(origin + ": trusted key " + path + " is unusable (" + pems.message() +
                        "): point it at a PEM public key file (openssl pkey -in KEY -pubout)");
    }
    for (auto &pem : *pems)
      trust.key_pems.push_back(std::move(pem));
    trust.key_paths.push_back(path);
    return ok_result();
  };
  for (const auto &path : policy.trusted_key_paths)
    RELGATE_TRY(add_keys(path, policy_path + ": [evidence] trusted_keys"));
  for (const auto &path : cli_key_paths)
    RELGATE_TRY(add_keys(path, "--trusted-key"));
  if (trust.key_pems.empty()) {
    if (!policy.allow_unsigned) {
      return make_error(step + " needs trusted keys to verify the evidence, and " + policy_path +
                        " names none: add [evidence] trusted_keys = [\"evidence.pub.pem\"] (the public half of "
                        "RELGATE_EVIDENCE_KEY, which every step signs with) or pass --trusted-key PEM; to accept "
                        "unsigned evidence anyway set allow_unsigned = true under [evidence] (anyone who can edit "
                        "the evidence file can then fake any gate)");
    }
    trust.allow_unsigned = true;
  }
  return trust;
}

std::string unsigned_evidence_warning(const std::string &policy_path)
{
  return "WARNING: unsigned evidence accepted ([evidence] allow_unsigned = true in " + policy_path +
         "): anyone who can edit the evidence file can fake any gate; configure trusted_keys";
}

Result<void> check_evidence_trust(const EvidenceFile &evidence, const EvidenceTrust &trust,
                                  const std::vector<std::string> &expected_heads)
{
  if (trust.allow_unsigned) {
    auto chain = verify_chain(evidence);
    if (!chain.intact)
      return make_error("the evidence chain is broken (" + chain.problem + "): rebuild the evidence from the pipeline");
  } else {
    auto checked = verify_chain_with_keys(evidence, trust.key_pems);
    if (!checked)
      return make_error("the trusted keys are unusable: " + checked.message());
    const ChainReport &chain = *checked;
    if (!chain.intact) {
      return make_error("the evidence is not intact and signed by a trusted key (" + chain.problem +
                        "): rebuild the evidence from the pipeline with RELGATE_EVIDENCE_KEY set in every step");
    }
  }
  if (!expected_heads.empty()) {
    auto anchored = require_evidence_anchors(evidence, expected_heads);
    if (!anchored) {
      return make_error("an expected evidence head is missing (" + anchored.message() + "): records were cut off");
    }
  }
  return ok_result();
}

Result<void> validate_evidence_head_ids(const std::vector<std::string> &ids)
{
  for (const auto &id : ids) {
    bool ok = id.size() == 71 && id.starts_with("sha256:");
    for (std::size_t i = 7; ok && i < id.size(); ++i)
      ok = (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f');
    if (!ok) {
      return make_error("--expect-evidence-head '" + id.substr(0, 80) +
                        "': expected a record id sha256:<64 hex> (the evidence-head output of a gate step)");
    }
  }
  return ok_result();
}

Result<void> check_evidence_signing_key()
{
  const char *path = std::getenv("RELGATE_EVIDENCE_KEY");
  if (path == nullptr || *path == '\0')
    return ok_result();
  auto key = read_signing_key(path, "RELGATE_EVIDENCE_KEY");
  if (!key)
    return make_error(key.message() + " (checked before changing the repository: nothing was committed)");
  return ok_result();
}

} // namespace relgate::gitops
