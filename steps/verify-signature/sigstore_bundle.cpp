#include "sigstore_bundle.hpp"

#include "checkpoint.hpp"
#include "cosign_legacy_bundle.hpp"
#include "dsse.hpp"
#include "encoding.hpp"
#include "evidence_json_fields.hpp"
#include "json.hpp"
#include "unique_json.hpp"

#include <algorithm>

namespace relgate::sig
{

Result<std::string> decode_b64_field(std::string_view text, const std::string &where)
{
  auto decoded = base64_decode(text);
  if (!decoded)
    return make_error(where + ": not valid base64");
  return std::move(decoded).value();
}

Result<void> check_count(rapidjson::SizeType count, rapidjson::SizeType limit, const std::string &where,
                         const std::string &what)
{
  if (count <= limit)
    return ok_result();
  return make_error(where + ": " + std::to_string(count) + " " + what + ", more than the " + std::to_string(limit) +
                    " relgate verifies; a signer writes a few at most: remove the copies");
}

const std::string &SigstoreBundle::signature_bytes() const
{
  static const std::string empty;
  if (message_signature)
    return message_signature->signature;
  if (dsse_envelope && !dsse_envelope->signatures.empty())
    return dsse_envelope->signatures[0].sig;
  return empty;
}

Result<X509 *> SigstoreBundle::leaf_certificate() const
{
  if (certificates.empty())
    return make_error(source + ": no signing certificate");
  if (!leaf_cache || leaf_cache_der != certificates.front()) {
    RELGATE_ASSIGN_OR_RETURN(auto leaf, parse_der_certificate(certificates.front(), source + ": signing certificate"));
    leaf_cache.reset(leaf.release(), X509_free);
    leaf_cache_der = certificates.front();
  }
  return leaf_cache.get();
}

namespace
{

// Every field of the bundle is read through the common reader, which names it in errors.
using Reader = JsonFieldReader;

Result<int> media_type_version(const std::string &media_type, const Reader &reader)
{
  if (media_type == "application/vnd.dev.sigstore.bundle+json;version=0.1")
    return 1;
  if (media_type == "application/vnd.dev.sigstore.bundle+json;version=0.2")
    return 2;
  if (media_type == "application/vnd.dev.sigstore.bundle+json;version=0.3" ||
      media_type == "application/vnd.dev.sigstore.bundle.v0.3+json") {
    return 3;
  }
  return reader.error("mediaType", "unsupported '" + printable_excerpt(media_type) +
                                       "'; expected application/vnd.dev.sigstore.bundle.v0.3+json "
                                       "or ...bundle+json;version=0.1|0.2|0.3");
}

Result<TlogEntry> parse_tlog_entry(const JsonValue &value, const std::string &field, const Reader &reader)
{
  if (!value.IsObject())
    return reader.error(field, "expected an object");
  TlogEntry entry;
  RELGATE_ASSIGN_OR_RETURN(auto index, reader.int64(value, "logIndex", field + ".logIndex", true));
  entry.log_index = *index;
  RELGATE_ASSIGN_OR_RETURN(auto log_id, reader.object(value, "logId", field + ".logId", true));
  RELGATE_ASSIGN_OR_RETURN(entry.log_id, reader.bytes(*log_id, "keyId", field + ".logId.keyId"));
  RELGATE_ASSIGN_OR_RETURN(auto kind_version, reader.object(value, "kindVersion", field + ".kindVersion", true));
  RELGATE_ASSIGN_OR_RETURN(auto kind, reader.string(*kind_version, "kind", field + ".kindVersion.kind", true));
  RELGATE_ASSIGN_OR_RETURN(auto version, reader.string(*kind_version, "version", field + ".kindVersion.version", true));
  entry.kind = kind;
  entry.version = version;
  RELGATE_ASSIGN_OR_RETURN(auto integrated, reader.int64(value, "integratedTime", field + ".integratedTime", false));
  if (integrated && *integrated != 0)
    entry.integrated_time = *integrated;
  RELGATE_ASSIGN_OR_RETURN(auto promise, reader.object(value, "inclusionPromise", field + ".inclusionPromise", false));
  if (promise != nullptr) {
    RELGATE_ASSIGN_OR_RETURN(
        auto set, reader.bytes(*promise, "signedEntryTimestamp", field + ".inclusionPromise.signedEntryTimestamp"));
    entry.signed_entry_timestamp = set;
  }
  RELGATE_ASSIGN_OR_RETURN(auto proof_json, reader.object(value, "inclusionProof", field + ".inclusionProof", false));
  if (proof_json != nullptr) {
    std::string where = field + ".inclusionProof";
    InclusionProof proof;
    RELGATE_ASSIGN_OR_RETURN(auto proof_index, reader.int64(*proof_json, "logIndex", where + ".logIndex", true));
    RELGATE_ASSIGN_OR_RETURN(auto tree_size, reader.int64(*proof_json, "treeSize", where + ".treeSize", true));
    proof.log_index = *proof_index;
    proof.tree_size = *tree_size;
    RELGATE_ASSIGN_OR_RETURN(proof.root_hash, reader.bytes(*proof_json, "rootHash", where + ".rootHash"));
    RELGATE_ASSIGN_OR_RETURN(const JsonValue *hashes, reader.array(*proof_json, "hashes", where + ".hashes", false));
    if (hashes != nullptr) {
      for (rapidjson::SizeType i = 0; i < hashes->Size(); ++i) {
        const JsonValue &item = (*hashes)[i];
        if (!item.IsString())
          return reader.error(where + ".hashes", "expected base64 strings");
        RELGATE_ASSIGN_OR_RETURN(auto hash,
                                 decode_b64_field(item.GetString(), where + ".hashes[" + std::to_string(i) + "]"));
        proof.hashes.push_back(std::move(hash));
      }
    }
    RELGATE_ASSIGN_OR_RETURN(auto checkpoint, reader.object(*proof_json, "checkpoint", where + ".checkpoint", false));
    if (checkpoint != nullptr) {
      RELGATE_ASSIGN_OR_RETURN(auto envelope,
                               reader.string(*checkpoint, "envelope", where + ".checkpoint.envelope", true));
      RELGATE_TRY(count_checkpoint_signatures(envelope, reader.source + ": " + where + ".checkpoint.envelope"));
      proof.checkpoint = envelope;
    }
    entry.inclusion_proof = std::move(proof);
  }
  RELGATE_ASSIGN_OR_RETURN(auto body_b64,
                           reader.string(value, "canonicalizedBody", field + ".canonicalizedBody", true));
  entry.canonicalized_body_b64 = body_b64;
  RELGATE_ASSIGN_OR_RETURN(entry.canonicalized_body,
                           decode_b64_field(body_b64, reader.source + ": " + field + ".canonicalizedBody"));
  // The body is read again when the entry is verified; a member named twice is refused here, as bad input.
  RELGATE_TRY(parse_unique_json(entry.canonicalized_body, reader.source + ": " + field + ".canonicalizedBody"));
  return entry;
}

Result<void> parse_material(const JsonValue &material, SigstoreBundle &bundle, const Reader &reader)
{
  RELGATE_ASSIGN_OR_RETURN(auto key, reader.object(material, "publicKey", "verificationMaterial.publicKey", false));
  RELGATE_ASSIGN_OR_RETURN(
      auto chain, reader.object(material, "x509CertificateChain", "verificationMaterial.x509CertificateChain", false));
  RELGATE_ASSIGN_OR_RETURN(auto cert,
                           reader.object(material, "certificate", "verificationMaterial.certificate", false));
  int present = (key != nullptr) + (chain != nullptr) + (cert != nullptr);
  if (present != 1) {
    return reader.error("verificationMaterial", "expected exactly one of publicKey, x509CertificateChain, certificate");
  }
  if (key != nullptr) {
    bundle.has_public_key = true;
    RELGATE_ASSIGN_OR_RETURN(auto hint, reader.string(*key, "hint", "verificationMaterial.publicKey.hint", false));
    bundle.public_key_hint = hint;
  } else if (cert != nullptr) {
    if (bundle.minor_version < 3) {
      return reader.error("verificationMaterial.certificate", "only allowed in v0.3 bundles");
    }
    RELGATE_ASSIGN_OR_RETURN(auto der, reader.bytes(*cert, "rawBytes", "verificationMaterial.certificate.rawBytes"));
    bundle.certificates.push_back(std::move(der));
  } else {
    if (bundle.minor_version >= 3) {
      return reader.error("verificationMaterial.x509CertificateChain",
                          "not allowed in v0.3 bundles (use verificationMaterial.certificate)");
    }
    const JsonValue *certs = find_member(*chain, "certificates");
    if (certs == nullptr || !certs->IsArray() || certs->Empty()) {
      return reader.error("verificationMaterial.x509CertificateChain.certificates",
                          "empty certificate chain: a keyless bundle needs the signing certificate");
    }
    RELGATE_TRY(check_count(certs->Size(), max_chain_certificates,
                            reader.source + ": verificationMaterial.x509CertificateChain.certificates",
                            "certificates"));
    for (rapidjson::SizeType i = 0; i < certs->Size(); ++i) {
      std::string field = "verificationMaterial.x509CertificateChain.certificates[" + std::to_string(i) + "]";
      if (!(*certs)[i].IsObject())
        return reader.error(field, "expected an object");
      RELGATE_ASSIGN_OR_RETURN(auto der, reader.bytes((*certs)[i], "rawBytes", field + ".rawBytes"));
      bundle.certificates.push_back(std::move(der));
    }
  }
  RELGATE_ASSIGN_OR_RETURN(const JsonValue *entries,
                           reader.array(material, "tlogEntries", "verificationMaterial.tlogEntries", false));
  if (entries != nullptr) {
    RELGATE_TRY(check_count(entries->Size(), max_tlog_entries, reader.source + ": verificationMaterial.tlogEntries",
                            "log entries"));
    for (rapidjson::SizeType i = 0; i < entries->Size(); ++i) {
      std::string field = "verificationMaterial.tlogEntries[" + std::to_string(i) + "]";
      RELGATE_ASSIGN_OR_RETURN(auto entry, parse_tlog_entry((*entries)[i], field, reader));
      // As sigstore-go: one entry twice (same log, same index) would be counted twice.
      for (std::size_t k = 0; k < bundle.tlog_entries.size(); ++k) {
        const TlogEntry &other = bundle.tlog_entries[k];
        if (other.log_id == entry.log_id && other.log_index == entry.log_index) {
          return reader.error(field, "the same log entry as tlogEntries[" + std::to_string(k) + "] (log index " +
                                         std::to_string(entry.log_index) + "); remove the copy");
        }
      }
      bundle.tlog_entries.push_back(std::move(entry));
    }
  }
  RELGATE_ASSIGN_OR_RETURN(auto tsa, reader.object(material, "timestampVerificationData",
                                                   "verificationMaterial.timestampVerificationData", false));
  if (tsa != nullptr) {
    RELGATE_ASSIGN_OR_RETURN(const JsonValue *stamps,
                             reader.array(*tsa, "rfc3161Timestamps",
                                          "verificationMaterial.timestampVerificationData.rfc3161Timestamps", false));
    if (stamps != nullptr) {
      RELGATE_TRY(check_count(stamps->Size(), max_rfc3161_timestamps,
                              reader.source + ": verificationMaterial.timestampVerificationData.rfc3161Timestamps",
                              "RFC 3161 timestamps"));
      for (rapidjson::SizeType i = 0; i < stamps->Size(); ++i) {
        std::string field =
            "verificationMaterial.timestampVerificationData.rfc3161Timestamps[" + std::to_string(i) + "]";
        if (!(*stamps)[i].IsObject())
          return reader.error(field, "expected an object");
        RELGATE_ASSIGN_OR_RETURN(auto der, reader.bytes((*stamps)[i], "signedTimestamp", field + ".signedTimestamp"));
        auto same = std::find(bundle.rfc3161_timestamps.begin(), bundle.rfc3161_timestamps.end(), der);
        if (same != bundle.rfc3161_timestamps.end()) {
          return reader.error(field, "the same timestamp as rfc3161Timestamps[" +
                                         std::to_string(same - bundle.rfc3161_timestamps.begin()) +
                                         "]; remove the copy");
        }
        bundle.rfc3161_timestamps.push_back(std::move(der));
      }
    }
  }
  return ok_result();
}

Result<void> parse_content(const JsonValue &root, SigstoreBundle &bundle, const Reader &reader)
{
  RELGATE_ASSIGN_OR_RETURN(auto message, reader.object(root, "messageSignature", "messageSignature", false));
  RELGATE_ASSIGN_OR_RETURN(auto dsse, reader.object(root, "dsseEnvelope", "dsseEnvelope", false));
  if ((message != nullptr) == (dsse != nullptr)) {
    return reader.error("content", "expected exactly one of messageSignature, dsseEnvelope");
  }
  if (message != nullptr) {
    MessageSignature content;
    RELGATE_ASSIGN_OR_RETURN(content.signature, reader.bytes(*message, "signature", "messageSignature.signature"));
    RELGATE_ASSIGN_OR_RETURN(auto digest,
                             reader.object(*message, "messageDigest", "messageSignature.messageDigest", true));
    {
      RELGATE_ASSIGN_OR_RETURN(auto algorithm,
                               reader.string(*digest, "algorithm", "messageSignature.messageDigest.algorithm", false));
      if (algorithm == "SHA2_256")
        content.digest_algorithm = HashAlgorithm::sha256;
      else if (algorithm == "SHA2_384")
        content.digest_algorithm = HashAlgorithm::sha384;
      else if (algorithm == "SHA2_512")
        content.digest_algorithm = HashAlgorithm::sha512;
      RELGATE_ASSIGN_OR_RETURN(content.digest,
                               reader.bytes(*digest, "digest", "messageSignature.messageDigest.digest"));
    }
    bundle.message_signature = std::move(content);
    return ok_result();
  }
  DsseEnvelope envelope;
  RELGATE_ASSIGN_OR_RETURN(envelope.payload, reader.bytes(*dsse, "payload", "dsseEnvelope.payload"));
  RELGATE_ASSIGN_OR_RETURN(auto type, reader.string(*dsse, "payloadType", "dsseEnvelope.payloadType", true));
  envelope.payload_type = type;
  RELGATE_TRY(check_dsse_payload_json(envelope, reader.source + ": dsseEnvelope.payload"));
  const JsonValue *signatures = find_member(*dsse, "signatures");
  if (signatures == nullptr || !signatures->IsArray()) {
    return reader.error("dsseEnvelope.signatures", "missing or not an array");
  }
  RELGATE_TRY(
      check_count(signatures->Size(), max_dsse_signatures, reader.source + ": dsseEnvelope.signatures", "signatures"));
  for (rapidjson::SizeType i = 0; i < signatures->Size(); ++i) {
    std::string field = "dsseEnvelope.signatures[" + std::to_string(i) + "]";
    if (!(*signatures)[i].IsObject())
      return reader.error(field, "expected an object");
    DsseSignature signature;
    RELGATE_ASSIGN_OR_RETURN(signature.sig, reader.bytes((*signatures)[i], "sig", field + ".sig"));
    RELGATE_ASSIGN_OR_RETURN(auto keyid, reader.string((*signatures)[i], "keyid", field + ".keyid", false));
    signature.keyid = keyid;
    envelope.signatures.push_back(std::move(signature));
  }
  bundle.dsse_envelope = std::move(envelope);
  return ok_result();
}

} // namespace

Result<SigstoreBundle> parse_bundle(std::string_view json_text, const std::string &source)
{
  RELGATE_ASSIGN_OR_RETURN(auto document, parse_unique_json(json_text, source));
  Reader reader{source};
  if (!document.IsObject())
    return reader.error("(root)", "expected a JSON object");
  if (is_cosign_legacy_bundle(document))
    return parse_cosign_legacy_bundle(document, source);
  SigstoreBundle bundle;
  bundle.source = source;
  RELGATE_ASSIGN_OR_RETURN(auto media_type, reader.string(document, "mediaType", "mediaType", true));
  bundle.media_type = media_type;
  RELGATE_ASSIGN_OR_RETURN(bundle.minor_version, media_type_version(bundle.media_type, reader));
  RELGATE_ASSIGN_OR_RETURN(auto material,
                           reader.object(document, "verificationMaterial", "verificationMaterial", true));
  RELGATE_TRY(parse_material(*material, bundle, reader));
  RELGATE_TRY(parse_content(document, bundle, reader));
  return bundle;
}

} // namespace relgate::sig
