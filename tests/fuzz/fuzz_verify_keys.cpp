// Untrusted key and signature inputs: PEM/DER public keys, signature files, trusted roots (with
// every key and certificate decoded, which verification does lazily), simple-signing payloads,
// DSSE envelopes and the DER walk that rebuilds a precertificate TBS.
#include "dsse.hpp"
#include "key_signatures.hpp"
#include "precert_tbs.hpp"
#include "public_key.hpp"
#include "signature_verify.hpp"
#include "simple_signing.hpp"
#include "trusted_root.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  using namespace relgate::sig;
  std::string_view text(reinterpret_cast<const char *>(data), size);
  auto pem = parse_public_key_pem(text, "fuzz.pub");
  auto der = parse_public_key_der(text, "fuzz.der");
  auto signature = decode_signature_file(text, "fuzz.sig");
  if (pem && signature)
    (void)verify_message_signature(*pem, "message", *signature);
  if (der && signature)
    (void)verify_message_signature(*der, "message", *signature);
  if (auto root = parse_trusted_root(text, "fuzz-root.json")) {
    for (const auto *logs : {&root->tlogs, &root->ctlogs}) {
      for (const auto &log : *logs)
        (void)log.public_key();
    }
    for (const auto *authorities : {&root->certificate_authorities, &root->timestamp_authorities}) {
      for (const auto &authority : *authorities)
        (void)authority.certificates();
    }
  }
  (void)precert_tbs_from_der(text);
  (void)simple_signing_digest(text, "fuzz-payload.json");
  (void)parse_dsse_envelope(text, "fuzz-envelope.json");
  return 0;
}
