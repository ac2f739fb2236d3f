// The artifact judged: a file hashed once (common/digest's hash_file, one streaming pass for
// every algorithm the keys need); or a bare digest ("sha256:<hex>") when only the digest is known.
#pragma once

#include "digest.hpp"
#include "result.hpp"

#include <map>
#include <string>
#include <string_view>

namespace relgate::sig
{

struct Artifact {
  std::string path;                             // "" when given as a digest
  std::map<HashAlgorithm, std::string> digests; // raw digest bytes

  // The raw digest for `algorithm`, or an error saying how to get it.
  Result<std::string> digest(HashAlgorithm algorithm) const;
  Digest primary_digest() const; // sha256 when known, else the one given
};

Result<Artifact> artifact_from_digest(std::string_view text);

// Read-only mapping of a file, for the one case that needs the message itself (Ed25519).
class MappedFile
{
public:
  static Result<MappedFile> open(const std::string &path);
  MappedFile(MappedFile &&other) noexcept;
  MappedFile &operator=(MappedFile &&) = delete;
  MappedFile(const MappedFile &) = delete;
  ~MappedFile();
  std::string_view bytes() const { return {m_data, m_size}; }

private:
  MappedFile(const char *data, std::size_t size) : m_data(data), m_size(size) {}
  const char *m_data = nullptr;
  std::size_t m_size = 0;
};

} // namespace relgate::sig
