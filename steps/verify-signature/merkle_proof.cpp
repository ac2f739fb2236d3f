#include "merkle_proof.hpp"

#include "encoding.hpp"
#include "ossl.hpp"

namespace relgate::sig
{

std::string merkle_leaf_hash(std::string_view entry)
{
  std::string data(1, '\0');
  data.append(entry);
  return sha256_bytes(data);
}

std::string merkle_node_hash(std::string_view left, std::string_view right)
{
  std::string data(1, '\x01');
  data.append(left);
  data.append(right);
  return sha256_bytes(data);
}

Result<std::string> merkle_root_from_proof(int64_t index, int64_t tree_size, std::string_view leaf_hash,
                                           const std::vector<std::string> &proof)
{
  if (tree_size <= 0 || index < 0 || index >= tree_size) {
    return make_error("inclusion proof index " + std::to_string(index) + " is outside the tree of size " +
                      std::to_string(tree_size));
  }
  uint64_t fn = static_cast<uint64_t>(index);
  uint64_t sn = static_cast<uint64_t>(tree_size) - 1;
  std::string root(leaf_hash);
  for (const std::string &sibling : proof) {
    if (sibling.size() != 32)
      return make_error("inclusion proof hash is not 32 bytes");
    if (sn == 0)
      return make_error("inclusion proof has more hashes than the tree has levels");
    if ((fn & 1) != 0 || fn == sn) {
      root = merkle_node_hash(sibling, root);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      root = merkle_node_hash(root, sibling);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0)
    return make_error("inclusion proof has too few hashes for the tree size");
  return root;
}

Result<void> verify_inclusion(int64_t index, int64_t tree_size, std::string_view leaf_hash,
                              const std::vector<std::string> &proof, std::string_view expected_root)
{
  RELGATE_ASSIGN_OR_RETURN(std::string computed, merkle_root_from_proof(index, tree_size, leaf_hash, proof));
  if (computed != expected_root) {
    return make_error("inclusion proof root hash differs: expected " + hex_encode(expected_root) + ", computed " +
                      hex_encode(computed));
  }
  return ok_result();
}

} // namespace relgate::sig
