// The artifact judged: a file hashed once (common/digest's hash_file, one streaming pass for
// every algorithm the keys need, or one read kept in memory when a key signs the whole message);
// or a bare digest ("sha256:<hex>") when only the digest is known.
#pragma once

#include "digest.hpp"
#include "result.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace relgate::sig
{

struct Artifact {
  std::string path;                             // "" when given as a digest
  std::map<HashAlgorithm, std::string> digests; // raw digest bytes
  std::shared_ptr<const std::string> bytes;     // the content the digests are of; null unless kept

  // The raw digest for `algorithm`, or an error saying how to get it.
  Result<std::string> digest(HashAlgorithm algorithm) const;
  Digest primary_digest() const; // sha256 when known, else the one given
};

Result<Artifact> artifact_from_digest(std::string_view text);

// The file at path, hashed for every algorithm in `algorithms`. With keep_bytes (a key that signs
// the whole message, Ed25519), the file is read once into memory, up to max_whole_artifact_bytes,
// and the digests are of those bytes, so the signature is checked over exactly the bytes whose
// digest is judged, whatever happens to the file meanwhile. Otherwise it is streamed (any size).
constexpr std::size_t max_whole_artifact_bytes = std::size_t{2} << 30;
Result<Artifact> artifact_from_file(const std::string &path, const std::set<HashAlgorithm> &algorithms,
                                    bool keep_bytes);

} // namespace relgate::sig
