// Immutable content digests ("sha256:<64 hex>") and streaming file hashing.
#pragma once

#include "result.hpp"

#include <cstdint>
#include <map>
#include <set>
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

// Streams the file once, in 128 KiB blocks, through every algorithm asked for: constant memory
// whatever the size, disk speed (a 1 GiB artifact hashes as fast as `openssl dgst`).
// Returns the raw digest bytes per algorithm; an empty set hashes nothing but still reads.
Result<std::map<HashAlgorithm, std::string>> hash_file(const std::string &path,
                                                       const std::set<HashAlgorithm> &algorithms);
Result<std::string> hash_file_hex(HashAlgorithm algorithm, const std::string &path);
Result<std::string> sha256_file_hex(const std::string &path);

} // namespace relgate
