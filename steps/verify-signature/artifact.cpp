#include "artifact.hpp"

#include "encoding.hpp"
#include "file_io.hpp"
#include "ossl.hpp"
#include "signature_verify.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

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

std::string Artifact::display_name() const
{
  return path.empty() ? primary_digest().str() : path;
}

Result<Artifact> hash_artifact_file(const std::string &path, const std::set<HashAlgorithm> &algorithms)
{
  auto input = InputFile::open(path);
  if (!input)
    return make_error("--artifact " + input.message());
  const int fd = input->fd();
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::set<HashAlgorithm> wanted = algorithms;
  wanted.insert(HashAlgorithm::sha256);
  std::vector<std::pair<HashAlgorithm, MdCtxPtr>> contexts;
  for (HashAlgorithm algorithm : wanted) {
    MdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_DigestInit_ex(ctx.get(), evp_md_for(algorithm), nullptr);
    contexts.emplace_back(algorithm, std::move(ctx));
  }
  constexpr std::size_t block = 1 << 20;
  std::unique_ptr<char[]> buffer(new char[block]);
  while (true) {
    ssize_t got = ::read(fd, buffer.get(), block);
    if (got < 0) {
      if (errno == EINTR)
        continue;
      return make_error("--artifact " + path + ": read failed: " + std::strerror(errno));
    }
    if (got == 0)
      break;
    for (auto &[algorithm, ctx] : contexts) {
      EVP_DigestUpdate(ctx.get(), buffer.get(), static_cast<std::size_t>(got));
    }
  }
  Artifact artifact;
  artifact.path = path;
  for (auto &[algorithm, ctx] : contexts) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx.get(), out, &length);
    artifact.digests[algorithm] = std::string(reinterpret_cast<char *>(out), length);
  }
  return artifact;
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
