#include "tlog_body.hpp"

#include "dsse.hpp"
#include "encoding.hpp"
#include "json.hpp"
#include "ossl.hpp"
#include "signature_verify.hpp"
#include "unique_json.hpp"

#include <openssl/pem.h>

namespace relgate::sig
{

namespace
{

const JsonValue *path_at(const JsonValue &root, std::initializer_list<std::string_view> path)
{
  const JsonValue *node = &root;
  for (std::string_view key : path) {
    if (!node->IsObject())
      return nullptr;
    node = find_member(*node, key);
    if (node == nullptr)
      return nullptr;
  }
  return node;
}

std::string text_at(const JsonValue &root, std::initializer_list<std::string_view> path)
{
  const JsonValue *node = path_at(root, path);
  return node != nullptr && node->IsString() ? std::string(node->GetString(), node->GetStringLength()) : std::string();
}

// Rekor stores verifiers as base64(PEM); compare the DER inside.
Result<std::string> pem_b64_to_der(const std::string &b64, const std::string &field)
{
  auto pem = base64_decode(b64);
  if (!pem)
    return make_error("log entry " + field + " is not base64");
  BIO *bio = BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size()));
  char *name = nullptr;
  char *header = nullptr;
  unsigned char *data = nullptr;
  long length = 0;
  int ok = PEM_read_bio(bio, &name, &header, &data, &length);
  BIO_free(bio);
  if (ok != 1) {
    openssl_errors();
    return make_error("log entry " + field + " is not a PEM certificate or key");
  }
  std::string der(reinterpret_cast<char *>(data), static_cast<std::size_t>(length));
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  return der;
}

Result<void> same_verifier(const std::string &der, const ExpectedBody &expected, const std::string &field)
{
  if (der != expected.verifier_der) {
    return make_error("log entry " + field + " is a different " +
                      (expected.verifier_is_certificate ? "certificate" : "key") + " than the bundle's");
  }
  return ok_result();
}

Result<void> same_signature(const std::string &b64, const ExpectedBody &expected, const std::string &field)
{
  auto logged = base64_decode(b64);
  if (!logged || *logged != expected.signature) {
    return make_error("log entry " + field + " differs from the bundle signature");
  }
  return ok_result();
}

Result<void> check_hashedrekord_v1(const JsonValue &spec, const ExpectedBody &expected)
{
  std::string algorithm = text_at(spec, {"data", "hash", "algorithm"});
  std::string value = text_at(spec, {"data", "hash", "value"});
  auto parsed = parse_digest(algorithm + ":" + value);
  if (!parsed)
    return make_error("log entry artifact digest '" + printable_excerpt(algorithm + ":" + value) + "' is malformed");
  std::string wanted;
  if (expected.dsse != nullptr) {
    // hashedrekord over DSSE (client spec): the digest commits to the PAE the signature covers.
    wanted = hash_bytes(parsed->algorithm, dsse_pae(expected.dsse->payload_type, expected.dsse->payload));
  } else {
    auto ours = expected.artifact_digests.find(parsed->algorithm);
    if (ours == expected.artifact_digests.end()) {
      return make_error("log entry records a " + printable_excerpt(algorithm) +
                        " digest of the artifact; pass --artifact so it can be computed");
    }
    wanted = ours->second;
  }
  if (parsed->hex != hex_encode(wanted)) {
    return make_error("log entry digest " + parsed->str() + " differs from the " +
                      (expected.dsse != nullptr ? "DSSE envelope's PAE hash " : "artifact's ") +
                      printable_excerpt(algorithm) + ":" + hex_encode(wanted));
  }
  RELGATE_TRY(same_signature(text_at(spec, {"signature", "content"}), expected, "signature.content"));
  RELGATE_ASSIGN_OR_RETURN(
      auto der, pem_b64_to_der(text_at(spec, {"signature", "publicKey", "content"}), "signature.publicKey.content"));
  return same_verifier(der, expected, "signature.publicKey");
}

Result<void> check_hashedrekord_v2(const JsonValue &spec_root, const ExpectedBody &expected)
{
  const JsonValue *spec = path_at(spec_root, {"hashedRekordV002"});
  if (spec == nullptr)
    return make_error("log entry hashedrekord 0.0.2 lacks spec.hashedRekordV002");
  std::string algorithm = text_at(*spec, {"data", "algorithm"});
  HashAlgorithm hash = HashAlgorithm::sha256;
  if (algorithm == "SHA2_384")
    hash = HashAlgorithm::sha384;
  else if (algorithm == "SHA2_512")
    hash = HashAlgorithm::sha512;
  else if (algorithm != "SHA2_256")
    return make_error("log entry digest algorithm '" + printable_excerpt(algorithm) + "' is not supported");
  auto digest = base64_decode(text_at(*spec, {"data", "digest"}));
  std::string wanted;
  if (expected.dsse != nullptr) {
    wanted = hash_bytes(hash, dsse_pae(expected.dsse->payload_type, expected.dsse->payload));
  } else {
    auto ours = expected.artifact_digests.find(hash);
    if (ours == expected.artifact_digests.end()) {
      return make_error("log entry records a " + printable_excerpt(algorithm) +
                        " digest of the artifact; pass --artifact so it can be computed");
    }
    wanted = ours->second;
  }
  if (!digest || *digest != wanted) {
    return make_error(std::string("log entry digest ") + (digest ? hex_encode(*digest) : "(invalid)") +
                      " differs from the " + (expected.dsse != nullptr ? "DSSE envelope's PAE hash " : "artifact's ") +
                      hex_encode(wanted));
  }
  RELGATE_TRY(same_signature(text_at(*spec, {"signature", "content"}), expected, "signature.content"));
  std::string der_b64 = expected.verifier_is_certificate
                            ? text_at(*spec, {"signature", "verifier", "x509Certificate", "rawBytes"})
                            : text_at(*spec, {"signature", "verifier", "publicKey", "rawBytes"});
  auto der = base64_decode(der_b64);
  if (!der || der->empty())
    return make_error("log entry verifier is missing or not base64");
  return same_verifier(*der, expected, "signature.verifier");
}

Result<void> check_dsse_v1(const JsonValue &spec, const ExpectedBody &expected)
{
  if (expected.dsse == nullptr)
    return make_error("log entry is a dsse entry but the bundle holds a message signature");
  std::string payload_hash = text_at(spec, {"payloadHash", "value"});
  if (payload_hash != hex_encode(sha256_bytes(expected.dsse->payload))) {
    return make_error("log entry payloadHash " + printable_excerpt(payload_hash) + " differs from the DSSE payload's " +
                      hex_encode(sha256_bytes(expected.dsse->payload)));
  }
  const JsonValue *signatures = path_at(spec, {"signatures"});
  if (signatures == nullptr || !signatures->IsArray())
    return make_error("log entry has no signatures");
  for (const JsonValue &item : signatures->GetArray()) {
    if (!same_signature(text_at(item, {"signature"}), expected, "signature"))
      continue;
    auto der = pem_b64_to_der(text_at(item, {"verifier"}), "verifier");
    if (der && *der == expected.verifier_der)
      return ok_result();
  }
  return make_error("log entry lists no signature equal to the DSSE signature with the bundle's verifier");
}

Result<void> check_intoto_v2(const JsonValue &spec, const ExpectedBody &expected)
{
  if (expected.dsse == nullptr)
    return make_error("log entry is an intoto entry but the bundle holds a message signature");
  std::string payload_hash = text_at(spec, {"content", "payloadHash", "value"});
  if (payload_hash != hex_encode(sha256_bytes(expected.dsse->payload))) {
    return make_error("log entry payloadHash " + printable_excerpt(payload_hash) + " differs from the DSSE payload's " +
                      hex_encode(sha256_bytes(expected.dsse->payload)));
  }
  const JsonValue *signatures = path_at(spec, {"content", "envelope", "signatures"});
  if (signatures == nullptr || !signatures->IsArray())
    return make_error("log entry envelope has no signatures");
  for (const JsonValue &item : signatures->GetArray()) {
    // intoto 0.0.2 stores the envelope's base64 signature base64-encoded once more.
    auto inner = base64_decode(text_at(item, {"sig"}));
    if (!inner || !same_signature(*inner, expected, "sig"))
      continue;
    auto der = pem_b64_to_der(text_at(item, {"publicKey"}), "publicKey");
    if (der && *der == expected.verifier_der)
      return ok_result();
  }
  return make_error("log entry envelope lists no signature equal to the DSSE signature with the bundle's verifier");
}

} // namespace

Result<void> check_tlog_body(const TlogEntry &entry, const ExpectedBody &expected)
{
  auto parsed = parse_unique_json(entry.canonicalized_body, "log entry body");
  if (!parsed)
    return parsed.error();
  const JsonDocument &body = *parsed;
  std::string kind = text_at(body, {"kind"});
  std::string version = text_at(body, {"apiVersion"});
  if (kind != entry.kind || version != entry.version) {
    return make_error("log entry body is " + printable_excerpt(kind + " " + version) + " but kindVersion says " +
                      printable_excerpt(entry.kind + " " + entry.version));
  }
  const JsonValue *spec = path_at(body, {"spec"});
  if (spec == nullptr || !spec->IsObject())
    return make_error("log entry body has no spec");
  if (kind == "hashedrekord" && version == "0.0.1")
    return check_hashedrekord_v1(*spec, expected);
  if (kind == "hashedrekord" && version == "0.0.2")
    return check_hashedrekord_v2(*spec, expected);
  if (kind == "dsse" && version == "0.0.1")
    return check_dsse_v1(*spec, expected);
  if (kind == "intoto" && version == "0.0.2")
    return check_intoto_v2(*spec, expected);
  return make_error("log entry kind " + printable_excerpt(kind + " " + version) + " is not supported");
}

} // namespace relgate::sig
