#include "artifact.hpp"

#include "encoding.hpp"
#include "file_io.hpp"
#include "signature_verify.hpp"

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

Result<Artifact> artifact_from_file(const std::string &path, const std::set<HashAlgorithm> &algorithms, bool keep_bytes)
{
  Artifact artifact;
  artifact.path = path;
  if (!keep_bytes) {
    auto digests = hash_file(path, algorithms);
    if (!digests)
      return make_error("--artifact " + digests.message());
    artifact.digests = std::move(digests).value();
    return artifact;
  }
  auto content = read_file(path, max_whole_artifact_bytes);
  if (!content) {
    return make_error("--artifact: " + content.message() +
                      " (an Ed25519 key signs the whole artifact, which is verified from memory)");
  }
  for (HashAlgorithm algorithm : algorithms)
    artifact.digests[algorithm] = hash_bytes(algorithm, *content);
  artifact.bytes = std::make_shared<const std::string>(std::move(content).value());
  return artifact;
}

} // namespace relgate::sig
