// RFC 6962 / RFC 9162 §2.1.3.2 inclusion proofs: leaf = SHA-256(0x00 || entry),
// node = SHA-256(0x01 || left || right).
#pragma once

#include "result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::sig
{

std::string merkle_leaf_hash(std::string_view entry);
std::string merkle_node_hash(std::string_view left, std::string_view right);

// The root the proof leads to, or an error when its shape is wrong for (index, size).
Result<std::string> merkle_root_from_proof(int64_t index, int64_t tree_size, std::string_view leaf_hash,
                                           const std::vector<std::string> &proof);

// Error message: "inclusion proof root hash differs from ...: expected <hex>, computed <hex>".
Result<void> verify_inclusion(int64_t index, int64_t tree_size, std::string_view leaf_hash,
                              const std::vector<std::string> &proof, std::string_view expected_root);

} // namespace relgate::sig
