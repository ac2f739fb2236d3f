// Test helpers: in-process keys and signatures (OpenSSL), so unit tests need no fixtures.
#pragma once

#include "ossl.hpp"
#include "public_key.hpp"
#include "signature_verify.hpp"

#include <openssl/pem.h>

#include <string>

namespace relgate::sig::test
{

inline PkeyPtr generate(const char *type, const char *param = nullptr)
{
  if (param != nullptr)
    return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, type, param));
  if (std::string(type) == "RSA")
    return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, type, static_cast<size_t>(2048)));
  return PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, type));
}

inline std::string public_pem(EVP_PKEY *key)
{
  BIO *bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char *data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(length));
  BIO_free(bio);
  return pem;
}

inline PublicKey public_of(EVP_PKEY *key)
{
  auto parsed = parse_public_key_pem(public_pem(key), "test key");
  return std::move(parsed).value();
}

// Signs `message` (hashed with md, or whole for Ed25519 when md is null); DER for ECDSA.
inline std::string sign(EVP_PKEY *key, const EVP_MD *md, std::string_view message)
{
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key);
  std::size_t length = 0;
  EVP_DigestSign(ctx.get(), nullptr, &length, bytes_ptr(message), message.size());
  std::string signature(length, '\0');
  EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length, bytes_ptr(message),
                 message.size());
  signature.resize(length);
  return signature;
}

} // namespace relgate::sig::test
