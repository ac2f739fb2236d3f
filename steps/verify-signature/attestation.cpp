#include "attestation.hpp"

#include "dsse.hpp"
#include "encoding.hpp"
#include "signature_verify.hpp"
#include "text_join.hpp"

#include <algorithm>

namespace relgate::sig
{

Result<Statement> statement_for_artifact(const DsseEnvelope &envelope, const Artifact &artifact,
                                         const std::string &source)
{
  if (envelope.payload_type != in_toto_payload_type) {
    return make_error("DSSE payloadType '" + printable_excerpt(envelope.payload_type) + "' is not " +
                      std::string(in_toto_payload_type));
  }
  RELGATE_ASSIGN_OR_RETURN(auto statement, parse_statement(envelope.payload, source + ": DSSE payload"));
  for (const auto &[algorithm, raw] : artifact.digests) {
    if (statement_covers(statement, Digest{algorithm, hex_encode(raw)}))
      return statement;
  }
  std::string subjects = join(statement.subjects, ", ", [](const auto &subject) {
    auto found = subject.digests.find("sha256");
    return printable_excerpt(subject.name, 80) +
           (found != subject.digests.end() ? " sha256:" + printable_excerpt(found->second, 80) : "");
  });
  return make_error("artifact " + artifact.primary_digest().str() +
                    " is not a subject of the attestation (subjects: " + subjects + ")");
}

AttestationReport verify_attestation(const DsseEnvelope &envelope, const std::string &source,
                                     const std::vector<TrustedKey> &keys, const Artifact &artifact, std::time_t now)
{
  AttestationReport report;
  std::string pae = dsse_pae(envelope.payload_type, envelope.payload);
  std::vector<std::string> problems;
  for (const auto &key : keys) {
    bool verified = false;
    for (const auto &signature : envelope.signatures) {
      verified = verified || verify_message_signature(*key.key, pae, signature.sig).ok();
    }
    if (!verified)
      continue;
    std::string window = key.window_problem(now);
    if (!window.empty()) {
      problems.push_back("envelope signature verifies but " + window);
      continue;
    }
    report.verified_keys.push_back(key.name);
  }
  if (report.verified_keys.empty()) {
    std::string tried = join(keys, ", ", [](const TrustedKey &key) { return key.label(); });
    report.failures.push_back(source + ": no envelope signature verifies with a trusted key (tried " + tried + ")");
    for (const auto &problem : problems)
      report.failures.push_back(source + ": " + problem);
    return report;
  }
  auto statement = statement_for_artifact(envelope, artifact, source);
  if (!statement) {
    report.failures.push_back(source + ": " + statement.message());
    return report;
  }
  report.statement = std::move(statement).value();
  return report;
}

Result<DsseEnvelope> parse_attestation_file(const std::string &content, const std::string &source)
{
  std::size_t start = content.find_first_not_of(" \t\r\n");
  if (start == std::string::npos)
    return make_error(source + ": attestation file is empty");
  std::size_t end = content.find('\n', start);
  std::string first = content.substr(start, end == std::string::npos ? std::string::npos : end - start);
  bool one_line_envelope = first.find("\"payloadType\"") != std::string::npos;
  return parse_dsse_envelope(one_line_envelope ? first : content, source);
}

} // namespace relgate::sig
