// Sigstore bundle parsing and the checks that read attacker-controlled bundle fields: log
// entry bodies, checkpoints, Merkle proofs and DSSE statements.
#include "checkpoint.hpp"
#include "dsse.hpp"
#include "in_toto.hpp"
#include "merkle_proof.hpp"
#include "sigstore_bundle.hpp"
#include "tlog_body.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  using namespace relgate::sig;
  std::string_view text(reinterpret_cast<const char *>(data), size);
  auto bundle = parse_bundle(text, "fuzz.json");
  if (!bundle)
    return 0;
  ExpectedBody expected;
  expected.signature = bundle->signature_bytes();
  expected.artifact_digests[relgate::HashAlgorithm::sha256] = std::string(32, 'a');
  expected.dsse = bundle->dsse_envelope ? &*bundle->dsse_envelope : nullptr;
  for (const auto &entry : bundle->tlog_entries) {
    (void)check_tlog_body(entry, expected);
    if (entry.inclusion_proof) {
      const auto &proof = *entry.inclusion_proof;
      (void)verify_inclusion(proof.log_index, proof.tree_size, merkle_leaf_hash(entry.canonicalized_body), proof.hashes,
                             proof.root_hash);
      (void)parse_checkpoint(proof.checkpoint);
    }
  }
  if (bundle->dsse_envelope) {
    (void)dsse_pae(bundle->dsse_envelope->payload_type, bundle->dsse_envelope->payload);
    auto statement = parse_statement(bundle->dsse_envelope->payload, "payload");
    if (statement)
      (void)provenance_facts(*statement);
  }
  return 0;
}
