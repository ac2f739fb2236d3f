#include "key_signatures.hpp"

#include "encoding.hpp"
#include "signature_verify.hpp"

#include <algorithm>

namespace relgate::sig
{

Result<std::string> decode_signature_file(std::string_view content, const std::string &source)
{
  std::string_view trimmed = content;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back())))
    trimmed.remove_suffix(1);
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front())))
    trimmed.remove_prefix(1);
  if (trimmed.empty())
    return make_error(source + ": signature file is empty");
  auto decoded = base64_decode(trimmed);
  if (decoded && !decoded->empty())
    return std::move(decoded).value();
  bool printable = std::all_of(content.begin(), content.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u == '\n' || u == '\r' || u == '\t' || (u >= 0x20 && u < 0x7f);
  });
  if (printable) {
    return make_error(source + ": signature is neither base64 nor binary DER; expected the output of "
                               "`cosign sign-blob` (base64) or `openssl dgst -sign` (DER)");
  }
  return std::string(content);
}

Result<void> verify_artifact_signature(const PublicKey &key, const Artifact &artifact, std::string_view signature)
{
  auto algorithm = default_hash_for(key.kind);
  if (!algorithm) {
    // Never the file as it is now: the bytes read with the digest, or nothing.
    if (!artifact.bytes) {
      return make_error(artifact.path.empty() ? "Ed25519 signs the whole artifact: pass --artifact FILE, not --digest"
                                              : "Ed25519 signs the whole artifact, but " + artifact.path +
                                                    " was hashed without keeping its bytes; nothing else is verified");
    }
    return verify_message_signature(key, *artifact.bytes, signature);
  }
  RELGATE_ASSIGN_OR_RETURN(auto digest, artifact.digest(*algorithm));
  return verify_digest_signature(key, *algorithm, digest, signature);
}

DetachedSignatureReport verify_detached_signatures(const std::vector<std::pair<std::string, std::string>> &signatures,
                                                   const std::vector<TrustedKey> &keys, const Artifact &artifact,
                                                   const std::optional<std::string> &payload, std::time_t now)
{
  DetachedSignatureReport report;
  for (const auto &[source, signature] : signatures) {
    std::vector<std::string> tried;
    bool any = false;
    for (const auto &key : keys) {
      auto checked = payload ? verify_message_signature(*key.key, *payload, signature)
                             : verify_artifact_signature(*key.key, artifact, signature);
      if (!checked) {
        tried.push_back(checked.message() + " with key " + key.label());
        continue;
      }
      std::string window = key.window_problem(now);
      if (!window.empty()) {
        tried.push_back("signature verifies but " + window);
        continue;
      }
      any = true;
      if (std::find(report.verified_keys.begin(), report.verified_keys.end(), key.name) == report.verified_keys.end()) {
        report.verified_keys.push_back(key.name);
      }
    }
    if (!any) {
      std::string text = source + ": ";
      for (std::size_t i = 0; i < tried.size(); ++i)
        text += (i ? "; " : "") + tried[i];
      report.problems.push_back(text);
    }
  }
  return report;
}

} // namespace relgate::sig
