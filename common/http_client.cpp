#include "http_client.hpp"

#include <curl/curl.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

namespace relgate
{

namespace
{

constexpr std::size_t max_body_bytes = 256u << 20; // a metrics or API answer larger than this is an attack or a bug

struct Transfer {
  std::string body;
  bool too_large = false;
};

size_t on_body(char *data, size_t size, size_t count, void *user)
{
  auto *transfer = static_cast<Transfer *>(user);
  const size_t bytes = size * count;
  if (transfer->body.size() + bytes > max_body_bytes) {
    transfer->too_large = true;
    return 0; // aborts the transfer
  }
  transfer->body.append(data, bytes);
  return bytes;
}

void global_init_once()
{
  static std::once_flag flag;
  std::call_once(flag, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string build_url(CURL *curl, const HttpRequest &request)
{
  std::string url = request.url;
  char separator = url.find('?') == std::string::npos ? '?' : '&';
  for (const auto &[key, value] : request.query) {
    char *k = curl_easy_escape(curl, key.c_str(), static_cast<int>(key.size()));
    char *v = curl_easy_escape(curl, value.c_str(), static_cast<int>(value.size()));
    url += separator;
    url += k;
    url += '=';
    url += v;
    curl_free(k);
    curl_free(v);
    separator = '&';
  }
  return url;
}

bool retryable_status(long status)
{
  return status == 429 || status >= 500;
}

} // namespace

std::string redact_url(const std::string &url)
{
  std::string out = url;
  if (const auto query = out.find('?'); query != std::string::npos)
    out.erase(query);
  const auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    const auto at = out.find('@', scheme + 3);
    const auto slash = out.find('/', scheme + 3);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      out.erase(scheme + 3, at - scheme - 2);
    }
  }
  return out;
}

Result<HttpResponse> http_get(const HttpRequest &request)
{
  global_init_once();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl)
    return make_error("cannot initialise libcurl");
  CURL *handle = curl.get();

  const std::string url = build_url(handle, request);
  const std::string shown_url = redact_url(request.url);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, curl_slist_free_all);
  auto add_header = [&](const std::string &line) { headers.reset(curl_slist_append(headers.release(), line.c_str())); };
  for (const auto &line : request.headers)
    add_header(line);
  if (!request.bearer_token_env.empty()) {
    const char *token = std::getenv(request.bearer_token_env.c_str());
    if (!token || !*token) {
      return make_error("environment variable " + request.bearer_token_env + " (bearer token) is empty or unset");
    }
    add_header(std::string("Authorization: Bearer ") + token);
  }
  std::string basic_auth;
  if (!request.basic_auth_env.empty()) {
    const char *credentials = std::getenv(request.basic_auth_env.c_str());
    if (!credentials || std::string_view(credentials).find(':') == std::string_view::npos) {
      return make_error("environment variable " + request.basic_auth_env + " must hold user:password");
    }
    basic_auth = credentials;
  }

  HttpResponse response;
  std::string last_failure;
  auto backoff = request.initial_backoff;
  const int attempts = request.max_attempts < 1 ? 1 : request.max_attempts;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    Transfer transfer;
    curl_easy_reset(handle);
    curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!request.ca_cert_path.empty())
      curl_easy_setopt(handle, CURLOPT_CAINFO, request.ca_cert_path.c_str());
    curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(handle, CURLOPT_USERAGENT, "relgate/" RELGATE_VERSION);
    curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &transfer);
    if (headers)
      curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
    if (!basic_auth.empty()) {
      curl_easy_setopt(handle, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(handle, CURLOPT_USERPWD, basic_auth.c_str());
    }

    const CURLcode code = curl_easy_perform(handle);
    response.attempts = attempt;
    if (transfer.too_large) {
      return make_error(shown_url + ": response larger than " + std::to_string(max_body_bytes >> 20) + " MiB");
    }
    if (code == CURLE_OK) {
      curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &response.status);
      char *content_type = nullptr;
      curl_easy_getinfo(handle, CURLINFO_CONTENT_TYPE, &content_type);
      response.content_type = content_type ? content_type : "";
      response.body = std::move(transfer.body);
      if (!retryable_status(response.status) || attempt == attempts)
        return response;
      last_failure = "HTTP " + std::to_string(response.status);
    } else {
      last_failure = curl_easy_strerror(code);
      if (code == CURLE_SSL_CACERT || code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CONNECT_ERROR) {
        const std::string trusted =
            request.ca_cert_path.empty() ? "the system CA store" : "the CA bundle " + request.ca_cert_path;
        const std::string fix =
            request.ca_cert_option.empty() ? "" : "; for a private CA, pass it with " + request.ca_cert_option;
        return make_error(shown_url + ": TLS verification failed: " + last_failure +
                          " (the server's certificate does not verify against " + trusted + fix + ")");
      }
      if (code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_URL_MALFORMAT) {
        return make_error(shown_url + ": " + last_failure + " (expected an http:// or https:// URL)");
      }
    }
    if (attempt < attempts) {
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
  }
  return make_error(shown_url + ": unreachable after " + std::to_string(attempts) + " attempt(s): " + last_failure);
}

} // namespace relgate
