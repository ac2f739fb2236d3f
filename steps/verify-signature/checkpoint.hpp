// Checkpoints (C2SP signed notes): "<origin>\n<size>\n<b64 root>\n[extra lines]\n\n" followed by
// signature lines "— <name> <b64(4-byte key hint || signature)>". Only lines from the log's
// key are checked; witness cosignatures with unknown keys are ignored.
#pragma once

#include "public_key.hpp"
#include "result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::sig
{

struct NoteSignature {
  std::string name;
  std::string key_hint;  // 4 bytes
  std::string signature; // raw
};

struct Checkpoint {
  std::string origin;
  int64_t tree_size = 0;
  std::string root_hash; // raw
  std::vector<std::string> extra_lines;
  std::string signed_text; // the note body, including its final newline
  std::vector<NoteSignature> signatures;
};

// A note carries the log's signature and a few witness cosignatures; more signature lines than
// this are refused, as copies made to burn CPU (each line with the log's hint is verified).
constexpr std::size_t max_checkpoint_signatures = 32;

// The number of signature lines (non-empty lines after the blank line), or an error naming the
// count and the limit when there are more than max_checkpoint_signatures. Cheap: no decoding.
Result<std::size_t> count_checkpoint_signatures(std::string_view text, const std::string &where);

Result<Checkpoint> parse_checkpoint(std::string_view text);

// Needs one signature line with the log's key hint (first 4 bytes of its key id) and a name
// that is the origin (or the origin's host part for "host - treeID" origins) that verifies;
// a line with the log's hint that fails verification is an error.
Result<void> verify_checkpoint_signature(const Checkpoint &checkpoint, const PublicKey &log_key,
                                         std::string_view log_id);

} // namespace relgate::sig
