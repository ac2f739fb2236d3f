// Record signatures with OpenSSL 3 EVP: Ed25519, or ECDSA P-256 over SHA-256 (DER signature,
// as cosign writes them). A signature covers record_signed_bytes: the record and its prev.
#include "evidence.hpp"

#include "digest.hpp"
#include "encoding.hpp"
#include "file_io.hpp"
#include "openssl_handles.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace relgate
{
namespace
{

// Never prompt on a terminal for a passphrase: an encrypted key is simply refused.
int refuse_passphrase(char *, int, int, void *)
{
  return -1;
}

std::string openssl_reason()
{
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0)
    return "no PEM key found";
  char buffer[256];
  need_openssl_error_strings();
  ERR_error_string_n(code, buffer, sizeof buffer);
  return buffer;
}

// "ed25519", "ecdsa-p256-sha256", or "" for a key type relgate does not sign with.
std::string key_algorithm(EVP_PKEY *key)
{
  if (EVP_PKEY_is_a(key, "ED25519"))
    return "ed25519";
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length) == 1 &&
        (std::string_view(group) == "prime256v1" || std::string_view(group) == "P-256")) {
      return "ecdsa-p256-sha256";
    }
  }
  return "";
}

std::string key_id_of(EVP_PKEY *key)
{
  unsigned char *der = nullptr;
  int length = i2d_PUBKEY(key, &der);
  if (length <= 0)
    return "";
  std::string id = "sha256:" + sha256_hex(std::string_view(reinterpret_cast<char *>(der), length));
  OPENSSL_free(der);
  return id;
}

Result<PkeyPtr> read_key(const std::string &pem, const std::string &source, bool is_private)
{
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio)
    return make_error(source + ": out of memory reading the key");
  ERR_clear_error();
  PkeyPtr key(is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr)
                         : PEM_read_bio_PUBKEY(bio.get(), nullptr, refuse_passphrase, nullptr));
  if (!key) {
    const char *expected = is_private ? "an unencrypted PEM private key (BEGIN PRIVATE KEY), Ed25519 or "
                                        "ECDSA P-256, e.g. from `openssl genpkey -algorithm ed25519`"
                                      : "a PEM public key (BEGIN PUBLIC KEY), Ed25519 or ECDSA P-256, e.g. "
                                        "from `openssl pkey -in key.pem -pubout`";
    return make_error(source + ": not a usable key: " + openssl_reason() + " (expected " + expected + ")");
  }
  if (key_algorithm(key.get()).empty()) {
    return make_error(source + ": key type is not supported for evidence signing (use Ed25519 or ECDSA P-256)");
  }
  return key;
}

constexpr std::size_t max_key_file_bytes = 1u << 20;

// Every "-----BEGIN X-----" ... "-----END X-----" block, in order. Text outside blocks may only be
// whitespace: a key file with junk is refused, never silently cut to its first block.
Result<std::vector<std::string>> split_pem_blocks(const std::string &text, const std::string &source)
{
  std::vector<std::string> blocks;
  std::size_t pos = 0;
  const auto only_space = [](std::string_view part) {
    return part.find_first_not_of(" \t\r\n") == std::string_view::npos;
  };
  while (true) {
    const std::size_t begin = text.find("-----BEGIN ", pos);
    if (begin == std::string::npos) {
      if (!only_space(std::string_view(text).substr(pos)))
        return make_error(source + ": text after the last PEM block (a PEM key file holds only PEM blocks)");
      return blocks;
    }
    if (!only_space(std::string_view(text).substr(pos, begin - pos)))
      return make_error(source + ": text outside the PEM blocks (a PEM key file holds only PEM blocks)");
    const std::size_t label_end = text.find("-----", begin + 11);
    if (label_end == std::string::npos)
      return make_error(source + ": malformed PEM header");
    const std::string end_marker = "-----END " + text.substr(begin + 11, label_end - begin - 11) + "-----";
    const std::size_t end = text.find(end_marker, label_end);
    if (end == std::string::npos)
      return make_error(source + ": PEM block without its END line");
    pos = end + end_marker.size();
    blocks.push_back(text.substr(begin, pos - begin) + "\n");
  }
}

const EVP_MD *digest_for(const std::string &algorithm)
{
  // Ed25519 hashes internally and takes no digest.
  return algorithm == "ed25519" ? nullptr : EVP_sha256();
}

} // namespace

Result<RecordSignature> sign_record(const EvidenceRecord &record, const std::string &private_key_pem,
                                    const std::string &key_source_name)
{
  RELGATE_ASSIGN_OR_RETURN(PkeyPtr key, read_key(private_key_pem, key_source_name, true));
  RecordSignature signature;
  signature.algorithm = key_algorithm(key.get());
  signature.key_id = key_id_of(key.get());

  const std::string message = record_signed_bytes(record);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t length = 0;
  const auto *data = reinterpret_cast<const unsigned char *>(message.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, digest_for(signature.algorithm), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, data, message.size()) != 1) {
    return make_error(key_source_name + ": signing failed: " + openssl_reason());
  }
  std::string raw(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(raw.data()), &length, data, message.size()) != 1) {
    return make_error(key_source_name + ": signing failed: " + openssl_reason());
  }
  raw.resize(length);
  signature.value = base64_encode(raw);
  return signature;
}

Result<std::string> public_key_id(const std::string &public_key_pem, const std::string &key_source_name)
{
  RELGATE_ASSIGN_OR_RETURN(PkeyPtr key, read_key(public_key_pem, key_source_name, false));
  return key_id_of(key.get());
}

Result<std::string> public_key_of(const std::string &private_key_pem, const std::string &key_source_name)
{
  RELGATE_ASSIGN_OR_RETURN(PkeyPtr key, read_key(private_key_pem, key_source_name, true));
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1)
    return make_error(key_source_name + ": cannot derive the public key: " + openssl_reason());
  char *data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

Result<std::string> read_signing_key(const std::string &path, const std::string &source_name)
{
  auto pem = read_file(path, max_key_file_bytes);
  if (!pem)
    return make_error(source_name + ": " + pem.message());
  RELGATE_ASSIGN_OR_RETURN(std::vector<std::string> blocks, split_pem_blocks(*pem, source_name + " (" + path + ")"));
  if (blocks.size() != 1) {
    return make_error(source_name + " (" + path + "): holds " + std::to_string(blocks.size()) +
                      " PEM blocks; a signing key file must hold exactly one private key");
  }
  RELGATE_TRY(read_key(blocks.front(), source_name + " (" + path + ")", true));
  return std::move(*pem);
}

Result<std::vector<std::string>> read_public_key_pems(const std::string &path)
{
  RELGATE_ASSIGN_OR_RETURN(std::string text, read_file(path, max_key_file_bytes));
  RELGATE_ASSIGN_OR_RETURN(std::vector<std::string> blocks, split_pem_blocks(text, path));
  if (blocks.empty())
    return make_error(path + ": no PEM public key found (expected BEGIN PUBLIC KEY blocks)");
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const std::string where = path + " (key " + std::to_string(i + 1) + " of " + std::to_string(blocks.size()) + ")";
    if (blocks[i].find("-----BEGIN PUBLIC KEY-----") == std::string::npos) {
      return make_error(where + ": not a public key (expected BEGIN PUBLIC KEY; never distribute a private key)");
    }
    RELGATE_TRY(read_key(blocks[i], where, false));
  }
  return blocks;
}

Result<void> verify_record_signature(const EvidenceRecord &record, const std::string &public_key_pem)
{
  if (!record.signature)
    return make_error("the record is not signed");
  RELGATE_ASSIGN_OR_RETURN(PkeyPtr key, read_key(public_key_pem, "key", false));
  const std::string algorithm = key_algorithm(key.get());
  if (algorithm != record.signature->algorithm)
    return make_error("algorithm " + record.signature->algorithm + " does not match the key (" + algorithm + ")");
  if (key_id_of(key.get()) != record.signature->key_id)
    return make_error("key_id " + record.signature->key_id + " is not this key's");
  auto raw = base64_decode(record.signature->value);
  if (!raw)
    return make_error("signature value: " + raw.message());
  const std::string message = record_signed_bytes(record);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  ERR_clear_error();
  const bool valid = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(algorithm), nullptr, key.get()) == 1 &&
                     EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char *>(raw->data()), raw->size(),
                                      reinterpret_cast<const unsigned char *>(message.data()), message.size()) == 1;
  if (!valid) {
    const unsigned long code = ERR_peek_error();
    std::string reason = code == 0 ? "bad signature" : openssl_reason();
    ERR_clear_error();
    return make_error(reason);
  }
  return ok_result();
}

} // namespace relgate
