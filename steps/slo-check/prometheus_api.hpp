// Prometheus HTTP API client (/api/v1/query) and response parsing: vector, scalar and matrix
// results, "NaN"/"+Inf" strings, warnings, and error bodies (errorType, error) turned into reasons.
#pragma once

#include "duration.hpp"
#include "exposition.hpp"
#include "result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::slo
{

struct PromSeries {
  Labels metric;
  std::vector<std::pair<double, double>> points; // (unix seconds, value); a vector has one
};

struct PromQueryResult {
  std::string result_type;        // vector | scalar | matrix | string
  std::vector<PromSeries> series; // a scalar is one series with no labels
  std::vector<std::string> warnings;
};

struct PrometheusEndpoint {
  std::string base_url;         // "http://127.0.0.1:9090" (a path prefix is kept)
  std::string bearer_token_env; // env var names, never the secrets themselves
  std::string basic_auth_env;
  std::string ca_cert_path;
  Duration request_timeout = Duration(10000);
  int max_attempts = 3;
};

// Turns one HTTP answer into a result or an error that says what came back: the errorType and
// error of a Prometheus error body, or the status and the start of a body that is not JSON
// (an HTML page from a proxy).
Result<PromQueryResult> parse_prometheus_response(long http_status, std::string_view content_type,
                                                  std::string_view body, const std::string &where);

// GET /api/v1/query?query=...[&time=...]; time in unix seconds.
Result<PromQueryResult> prometheus_query(const PrometheusEndpoint &endpoint, const std::string &promql,
                                         std::optional<double> time = std::nullopt);

// GET /api/v1/query_range?query=...&start=...&end=...&step=...; times in unix seconds.
Result<PromQueryResult> prometheus_query_range(const PrometheusEndpoint &endpoint, const std::string &promql,
                                               double start, double end, Duration step);

// The one number an objective needs: scalar, or a vector with exactly one series. nullopt = no
// data (empty vector, NaN). Several series or a matrix are errors that say how to fix the query.
Result<std::optional<double>> single_value(const PromQueryResult &result, const std::string &promql);

// A query Prometheus rejects as malformed (bad_data) fails the same way on every retry: the
// measurement loop stops at once instead of spending its consecutive_error_limit.
bool is_permanent_query_error(const std::string &message);

// Short, printable start of a body for messages: control characters dropped, at most n chars.
std::string body_excerpt(std::string_view body, std::size_t n = 120);

} // namespace relgate::slo
