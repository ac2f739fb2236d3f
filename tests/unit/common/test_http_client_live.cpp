// Live HTTP tests: skipped in the unit run, run against a real nginx by
// tests/integration/http_client.sh (doctest --no-skip), which sets the RELGATE_HTTP_TEST_* variables.
#include "http_client.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>

using namespace relgate;

namespace
{
std::string env(const char *name)
{
  const char *value = std::getenv(name);
  REQUIRE_MESSAGE(value, (std::string("run through tests/integration/http_client.sh: ") + name + " is unset"));
  return value;
}
} // namespace

TEST_CASE("http live: plain GET, query encoding, status passthrough" * doctest::skip())
{
  HttpRequest request;
  request.url = env("RELGATE_HTTP_TEST_BASE") + "/echo";
  request.query = {{"query", "sum(rate(x[5m])) > 0 & y"}};
  auto response = http_get(request);
  REQUIRE_MESSAGE(response, (response ? "" : response.message()));
  CHECK(response->status == 200);
  CHECK(response->body == "args=query=sum%28rate%28x%5B5m%5D%29%29%20%3E%200%20%26%20y\n");
  CHECK(response->attempts == 1);

  request.url = env("RELGATE_HTTP_TEST_BASE") + "/missing";
  request.query.clear();
  auto missing = http_get(request);
  REQUIRE(missing);
  CHECK(missing->status == 404); // not retried: a client error will not heal
  CHECK(missing->attempts == 1);
}

TEST_CASE("http live: 5xx is retried a bounded number of times" * doctest::skip())
{
  HttpRequest request;
  request.url = env("RELGATE_HTTP_TEST_BASE") + "/unavailable";
  request.max_attempts = 3;
  request.initial_backoff = Duration(10);
  auto response = http_get(request);
  REQUIRE(response);
  CHECK(response->status == 503);
  CHECK(response->attempts == 3);
}

TEST_CASE("http live: bearer token from the environment" * doctest::skip())
{
  HttpRequest request;
  request.url = env("RELGATE_HTTP_TEST_BASE") + "/auth";
  auto anonymous = http_get(request);
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);

  ::setenv("RELGATE_TEST_TOKEN", "s3cret", 1);
  request.bearer_token_env = "RELGATE_TEST_TOKEN";
  auto authorized = http_get(request);
  REQUIRE(authorized);
  CHECK(authorized->status == 200);
  CHECK(authorized->body == "authorized\n");

  request.bearer_token_env = "RELGATE_TEST_TOKEN_UNSET";
  auto unset = http_get(request);
  REQUIRE_FALSE(unset);
  CHECK(unset.message() == "environment variable RELGATE_TEST_TOKEN_UNSET (bearer token) is empty or unset");
}

TEST_CASE("http live: basic auth from the environment" * doctest::skip())
{
  HttpRequest request;
  request.url = env("RELGATE_HTTP_TEST_BASE") + "/basic";
  auto anonymous = http_get(request);
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);

  ::setenv("RELGATE_TEST_BASIC", "relgate:s3cret:pw", 1); // the password may hold a colon
  request.basic_auth_env = "RELGATE_TEST_BASIC";
  auto authorized = http_get(request);
  REQUIRE(authorized);
  CHECK(authorized->status == 200);
  CHECK(authorized->body == "basic ok\n");

  ::setenv("RELGATE_TEST_BASIC", "no-colon", 1);
  auto malformed = http_get(request);
  REQUIRE_FALSE(malformed);
  CHECK(malformed.message() == "environment variable RELGATE_TEST_BASIC must hold user:password");
}

TEST_CASE("http live: TLS is verified, a private CA is accepted with ca_cert_path" * doctest::skip())
{
  HttpRequest request;
  request.url = env("RELGATE_HTTP_TEST_TLS") + "/ok";
  request.max_attempts = 1;
  auto untrusted = http_get(request);
  REQUIRE_FALSE(untrusted);
  CHECK(untrusted.message().find("TLS verification failed") != std::string::npos);
  CHECK(untrusted.message().find("does not verify against the system CA store)") != std::string::npos);
  // Common code names no step's flag; the caller's option appears when the caller gives it.
  CHECK(untrusted.message().find("--cacert") == std::string::npos);
  request.ca_cert_option = "--cacert";
  auto hinted = http_get(request);
  REQUIRE_FALSE(hinted);
  CHECK(hinted.message().find("; for a private CA, pass it with --cacert)") != std::string::npos);

  request.ca_cert_path = env("RELGATE_HTTP_TEST_CA");
  auto trusted = http_get(request);
  REQUIRE_MESSAGE(trusted, (trusted ? "" : trusted.message()));
  CHECK(trusted->status == 200);
  CHECK(trusted->body == "secure\n");
}

TEST_CASE("http live: unreachable and silent servers fail within the timeout" * doctest::skip())
{
  HttpRequest refused;
  refused.url = "http://127.0.0.1:" + env("RELGATE_HTTP_TEST_CLOSED_PORT") + "/";
  refused.max_attempts = 2;
  refused.initial_backoff = Duration(10);
  auto closed = http_get(refused);
  REQUIRE_FALSE(closed);
  CHECK(closed.message().find("unreachable after 2 attempt(s)") != std::string::npos);

  HttpRequest silent;
  silent.url = "http://user:pw@127.0.0.1:" + env("RELGATE_HTTP_TEST_SILENT_PORT") + "/api?token=x";
  silent.timeout = Duration(300);
  silent.max_attempts = 2;
  silent.initial_backoff = Duration(10);
  const auto start = std::chrono::steady_clock::now();
  auto hung = http_get(silent);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(hung);
  CHECK(elapsed < std::chrono::seconds(3));
  CHECK_MESSAGE(hung.message().find("Timeout") != std::string::npos, hung.message());
  CHECK(hung.message().find("pw") == std::string::npos); // credentials never logged
  CHECK(hung.message().find("token") == std::string::npos);
}

TEST_CASE("redact_url drops userinfo and query")
{
  CHECK(redact_url("https://u:p@prom.example:9090/api/v1/query?token=x") == "https://prom.example:9090/api/v1/query");
  CHECK(redact_url("http://127.0.0.1:9090/metrics") == "http://127.0.0.1:9090/metrics");
}
