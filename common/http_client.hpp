// HTTP GET over libcurl: timeouts on every call, bounded retries with backoff, TLS verification
// always on. Credentials come from environment variables and are never logged.
#pragma once

#include "duration.hpp"
#include "result.hpp"

#include <string>
#include <utility>
#include <vector>

namespace relgate
{

struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> query; // URL-encoded and appended
  std::vector<std::string> headers;                       // "Name: value"
  std::string bearer_token_env;                           // name of the env var holding a bearer token ("" = none)
  std::string basic_auth_env;                             // name of the env var holding "user:password" ("" = none)
  std::string ca_cert_path;                               // extra CA bundle for private CAs ("" = system store)
  // How the caller's user passes a private CA (slo-check: "--cacert"), named in a TLS verification
  // error; "" = the error only says what failed. Common code knows no step's flags.
  std::string ca_cert_option;
  Duration timeout = Duration(10000);
  int max_attempts = 3; // retried on connection errors, timeouts, 429 and 5xx
  Duration initial_backoff = Duration(200);
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string content_type;
  int attempts = 0;
};

// Error when no response arrived (connection refused, DNS, TLS, timeout) after all attempts;
// an HTTP error status after the last attempt is a response, for the caller to judge.
Result<HttpResponse> http_get(const HttpRequest &request);

// For logs and reasons: the URL without userinfo or query credentials.
std::string redact_url(const std::string &url);

} // namespace relgate
