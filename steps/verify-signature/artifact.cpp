#include "artifact.hpp"

#include "encoding.hpp"
#include "file_io.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace relgate::sig
{

Result<std::string> Artifact::digest(HashAlgorithm algorithm) const
{
  auto found = digests.find(algorithm);
  if (found != digests.end())
    return found->second;
  return make_error("the artifact's " + std::string(hash_algorithm_name(algorithm)) + " digest is needed but only " +
                    primary_digest().str() + " was given; pass --artifact FILE instead of --digest");
}

Digest Artifact::primary_digest() const
{
  auto found = digests.find(HashAlgorithm::sha256);
  if (found == digests.end())
    found = digests.begin();
  if (found == digests.end())
    return Digest{};
  return Digest{found->first, hex_encode(found->second)};
}

Result<Artifact> artifact_from_digest(std::string_view text)
{
  auto parsed = parse_digest(text);
  if (!parsed)
    return make_error("--digest: " + parsed.message());
  RELGATE_ASSIGN_OR_RETURN(std::string raw, hex_decode(parsed->hex));
  Artifact artifact;
  artifact.digests[parsed->algorithm] = raw;
  return artifact;
}

Result<MappedFile> MappedFile::open(const std::string &path)
{
  RELGATE_ASSIGN_OR_RETURN(InputFile input, InputFile::open(path));
  std::size_t size = static_cast<std::size_t>(input.size());
  if (size == 0)
    return MappedFile(nullptr, 0);
  void *data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, input.fd(), 0);
  if (data == MAP_FAILED)
    return make_error(path + ": cannot map: " + std::strerror(errno));
  return MappedFile(static_cast<const char *>(data), size);
}

MappedFile::MappedFile(MappedFile &&other) noexcept : m_data(other.m_data), m_size(other.m_size)
{
  other.m_data = nullptr;
  other.m_size = 0;
}

MappedFile::~MappedFile()
{
  if (m_data != nullptr)
    ::munmap(const_cast<char *>(m_data), m_size);
}

} // namespace relgate::sig
