// Subjects follow the OCI reference grammar and are pinned by sha256: whatever parse_subject
// accepts is later written into kustomizations and compared with rejected releases.
#include "subject.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace relgate;

namespace
{
const std::string digest = "sha256:" + std::string(64, 'a');

bool accepted(const std::string &name)
{
  return parse_subject(name + "@" + digest).ok();
}
} // namespace

TEST_CASE("subject: registry hosts, ports, IPv6 and localhost")
{
  for (const std::string &name :
       std::vector<std::string>{"api", "acme/api", "ghcr.io/acme/api", "registry.example.com:5000/team/app",
                                "localhost/x", "localhost:5000/x", "[::1]:5000/acme/api", "[::1]/api",
                                "127.0.0.1:5000/api", "my-registry.local/a/b/c", "Registry.Example.COM/api"}) {
    CAPTURE(name);
    auto subject = parse_subject(name + "@" + digest);
    REQUIRE_MESSAGE(subject.ok(), (subject.ok() ? "" : subject.message()));
    CHECK(subject->name == name);
    CHECK(subject->str() == name + "@" + digest);
  }
  for (const std::string &name :
       std::vector<std::string>{"[::1/api", "[]/api", "[zz]:5000/api", "host:/api", "host:99999x/api",
                                "host:123456/api", "-bad.example.com/api", "bad-.example.com/api", "a..b/api"}) {
    CAPTURE(name);
    CHECK_FALSE(accepted(name));
  }
}

TEST_CASE("subject: path components are lower case and joined by '.', '_', '__' or dashes")
{
  for (const std::string &name :
       std::vector<std::string>{"acme/a__b", "acme/a--b", "acme/a-b", "acme/a.b", "acme/a_b", "a0/b1/c2", "x"}) {
    CAPTURE(name);
    CHECK(accepted(name));
  }
  for (const std::string &name : std::vector<std::string>{
           "acme/API",  "ghcr.io/Acme/api", "acme/a___b", "acme/a..b", "acme/a._b", "acme/_a",   "acme/a_",
           "acme/-a",   "acme/a-",          "acme//api",  "acme/",     "/api",      "acme/api/", "acme/a b",
           "acme/a\tb", "acme/a\nb",        "acme/a\"b",  "acme/a'b",  "acme/a$b",  "acme/ä"}) {
    CAPTURE(name);
    CHECK_FALSE(accepted(name));
  }
  auto upper = parse_subject("ghcr.io/Acme/api@" + digest);
  REQUIRE_FALSE(upper.ok());
  CHECK(upper.message().find("invalid path component 'Acme'") != std::string::npos);
  CHECK(upper.message().find("e.g. ghcr.io/acme/api") != std::string::npos);
}

TEST_CASE("subject: at most 255 characters")
{
  const std::string at_limit = "acme/" + std::string(250, 'a');
  REQUIRE(at_limit.size() == 255);
  CHECK(accepted(at_limit));
  auto over = parse_subject(at_limit + "b@" + digest);
  REQUIRE_FALSE(over.ok());
  CHECK(over.message().find("is longer than 255 characters") != std::string::npos);
}

TEST_CASE("subject: tags, other digests and injected text are refused")
{
  auto tag = parse_subject("ghcr.io/acme/api:1.2@" + digest);
  REQUIRE_FALSE(tag.ok());
  CHECK(tag.message().find("has a tag") != std::string::npos);
  CHECK_FALSE(parse_subject("ghcr.io/acme/api:1.2").ok());
  CHECK_FALSE(parse_subject("localhost:5000/api").ok());

  for (const std::string &other : {"sha512:" + std::string(128, 'a'), "sha384:" + std::string(96, 'a')}) {
    CAPTURE(other);
    auto refused = parse_subject("ghcr.io/acme/api@" + other);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.message().find("is not sha256") != std::string::npos);
    CHECK_FALSE(parse_subject(other).ok()); // a bare digest too
  }
  CHECK_FALSE(parse_subject("ghcr.io/acme/api@sha256:" + std::string(64, 'A')).ok());
  CHECK_FALSE(parse_subject("ghcr.io/acme/api@sha256:" + std::string(63, 'a')).ok());
  CHECK_FALSE(parse_subject("ghcr.io/acme/api@" + digest + "\n").ok());
  CHECK_FALSE(parse_subject("ghcr.io/acme/api@" + digest + "@" + digest).ok());

  // The kustomization injection from issue 9 point 4: quotes and a newline in the name.
  for (const std::string &name :
       std::vector<std::string>{"evil\"\nnewName: x", "evil\nnewName: x", "a\"b", "a b", "a:b c", "a\rb"}) {
    CAPTURE(name);
    CHECK_FALSE(parse_subject(name + "@" + digest).ok());
  }
  CHECK_FALSE(parse_subject(std::string("acme/api\0x", 10) + "@" + digest).ok());
  CHECK(parse_subject(digest).ok());
  CHECK(parse_subject(digest)->name.empty());
}

TEST_CASE("subject: make_subject and check_image_name apply the same grammar")
{
  CHECK(make_subject("ghcr.io/acme/api", digest).ok());
  CHECK(make_subject("", digest).ok());
  CHECK_FALSE(make_subject("ghcr.io/Acme/api", digest).ok());
  CHECK_FALSE(make_subject("ghcr.io/acme/api", "sha512:" + std::string(128, 'a')).ok());
  CHECK(check_image_name("ghcr.io/acme/api").ok());
  CHECK_FALSE(check_image_name("").ok());
  CHECK_FALSE(check_image_name("ghcr.io/acme/api:latest").ok());
}
