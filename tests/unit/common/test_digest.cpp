#include "digest.hpp"
#include "file_io.hpp"
#include "subject.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

using namespace relgate;

namespace
{
const std::string hex64 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
}

TEST_CASE("parse_digest accepts sha256/384/512 and refuses everything else")
{
  auto digest = parse_digest("sha256:" + hex64);
  REQUIRE(digest);
  CHECK(digest->algorithm == HashAlgorithm::sha256);
  CHECK(digest->str() == "sha256:" + hex64);
  CHECK(parse_digest("sha384:" + std::string(96, 'a')));
  CHECK(parse_digest("sha512:" + std::string(128, '0')));

  CHECK_FALSE(parse_digest("latest"));
  CHECK(parse_digest("latest").message().find("tags are mutable") != std::string::npos);
  CHECK_FALSE(parse_digest("sha256:" + hex64.substr(1)));
  CHECK(parse_digest("sha256:abc").message().find("needs 64 hex characters, got 3") != std::string::npos);
  CHECK_FALSE(parse_digest("sha256:" + std::string(64, 'A')));
  CHECK_FALSE(parse_digest("md5:" + std::string(32, 'a')));
  CHECK_FALSE(parse_digest("sha384:" + hex64));
}

TEST_CASE("sha256 of data and of a streamed file agree with known vectors")
{
  CHECK(sha256_hex("") == hex64);
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string dir = relgate::test::scratch_path("digest");
  std::filesystem::create_directories(dir);
  std::string big(3 << 20, 'x'); // larger than one read block
  big[12345] = 'y';
  REQUIRE(write_file_atomic(dir + "/digest-big.bin", big));
  auto from_file = sha256_file_hex(dir + "/digest-big.bin");
  REQUIRE(from_file);
  CHECK(*from_file == sha256_hex(big));
  CHECK_FALSE(sha256_file_hex(dir + "/does-not-exist"));
  CHECK(sha256_file_hex(dir + "/does-not-exist").message().find("does-not-exist: cannot read") != std::string::npos);
}

TEST_CASE("hash_file: one pass through every algorithm asked for")
{
  const std::string dir = relgate::test::scratch_path("digest");
  std::filesystem::create_directories(dir);
  std::string big((2 << 20) + 7, 'z'); // two full read blocks and a partial one
  big[(1 << 20) + 3] = 'q';
  REQUIRE(write_file_atomic(dir + "/digest-multi.bin", big));
  auto digests = hash_file(dir + "/digest-multi.bin", {HashAlgorithm::sha256, HashAlgorithm::sha512});
  REQUIRE(digests);
  CHECK(digests->size() == 2);
  CHECK(digests->count(HashAlgorithm::sha384) == 0);
  for (HashAlgorithm algorithm : {HashAlgorithm::sha256, HashAlgorithm::sha512}) {
    REQUIRE(digests->count(algorithm) == 1);
    CHECK(digests->at(algorithm).size() == hash_hex_length(algorithm) / 2);
    std::string hex;
    for (unsigned char byte : digests->at(algorithm)) {
      const char *digits = "0123456789abcdef";
      hex += digits[byte >> 4];
      hex += digits[byte & 15];
    }
    CHECK(hex == hash_hex(algorithm, big));
  }
  auto sha384 = hash_file_hex(HashAlgorithm::sha384, dir + "/digest-multi.bin");
  REQUIRE(sha384);
  CHECK(*sha384 == hash_hex(HashAlgorithm::sha384, big));
  CHECK_FALSE(hash_file(dir + "/does-not-exist", {HashAlgorithm::sha256}));
}

TEST_CASE("parse_subject needs NAME@DIGEST and refuses tags")
{
  auto subject = parse_subject("ghcr.io/acme/api@sha256:" + hex64);
  REQUIRE(subject);
  CHECK(subject->name == "ghcr.io/acme/api");
  CHECK(subject->digest.hex == hex64);
  CHECK(subject->str() == "ghcr.io/acme/api@sha256:" + hex64);

  auto bare = parse_subject("sha256:" + hex64);
  REQUIRE(bare);
  CHECK(bare->name.empty());

  CHECK_FALSE(parse_subject("ghcr.io/acme/api:1.2.3"));
  CHECK(parse_subject("ghcr.io/acme/api:1.2.3").message().find("has no digest") != std::string::npos);
  CHECK_FALSE(parse_subject("localhost:5000/api"));
  CHECK_FALSE(parse_subject("api@sha256:short"));
  CHECK_FALSE(parse_subject("@sha256:" + hex64));
  CHECK_FALSE(parse_subject(""));
}
