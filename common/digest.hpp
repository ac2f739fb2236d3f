// Immutable content digests ("sha256:<64 hex>") and streaming file hashing.
#pragma once

#include "result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace relgate
{

enum class HashAlgorithm { sha256, sha384, sha512 };

std::string_view hash_algorithm_name(HashAlgorithm algorithm);
std::size_t hash_hex_length(HashAlgorithm algorithm);

struct Digest {
  HashAlgorithm algorithm = HashAlgorithm::sha256;
  std::string hex; // lowercase

  std::string str() const; // "sha256:<hex>"
  bool operator==(const Digest &) const = default;
};

// Accepts only "<alg>:<lowercase hex of the right length>"; tags and short digests are refused
// with a message that says what was expected.
Result<Digest> parse_digest(std::string_view text);

std::string hash_hex(HashAlgorithm algorithm, std::string_view data);
std::string sha256_hex(std::string_view data);

// Streams the file in large blocks: constant memory whatever the size.
Result<std::string> hash_file_hex(HashAlgorithm algorithm, const std::string &path);
Result<std::string> sha256_file_hex(const std::string &path);

} // namespace relgate
