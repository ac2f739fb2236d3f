#include "prometheus_api.hpp"

#include "encoding.hpp"
#include "http_client.hpp"
#include "json.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace relgate::slo
{

namespace
{

Result<double> sample_value(const JsonValue &pair, const std::string &where)
{
  // [ <unix seconds as number>, "<value as string>" ]
  if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsNumber() || !pair[1].IsString()) {
    return make_error(where + ": expected a sample [timestamp, \"value\"]");
  }
  auto value = parse_prometheus_float(std::string_view(pair[1].GetString(), pair[1].GetStringLength()));
  if (!value)
    return make_error(where + ": sample value '" + std::string(pair[1].GetString()) + "' is not a number");
  return *value;
}

Result<Labels> metric_labels(const JsonValue &series, const std::string &where)
{
  Labels labels;
  const JsonValue *metric = find_member(series, "metric");
  if (!metric)
    return labels;
  if (!metric->IsObject())
    return make_error(where + ": \"metric\" must be an object");
  for (auto it = metric->MemberBegin(); it != metric->MemberEnd(); ++it) {
    if (!it->value.IsString())
      return make_error(where + ": label values must be strings");
    labels.emplace_back(it->name.GetString(), it->value.GetString());
  }
  std::sort(labels.begin(), labels.end());
  return labels;
}

} // namespace

std::string body_excerpt(std::string_view body, std::size_t n)
{
  std::string out;
  for (char c : body) {
    if (out.size() >= n) {
      out += "...";
      break;
    }
    if (c == '\n' || c == '\r' || c == '\t')
      c = ' ';
    if (static_cast<unsigned char>(c) < 0x20)
      continue;
    if (c == ' ' && !out.empty() && out.back() == ' ')
      continue;
    out += c;
  }
  return out;
}

Result<PromQueryResult> parse_prometheus_response(long http_status, std::string_view content_type,
                                                  std::string_view body, const std::string &where)
{
  auto document = parse_json(body, where);
  if (!document || !document->IsObject()) {
    std::string what = "HTTP " + std::to_string(http_status);
    if (!content_type.empty())
      what += " (" + std::string(content_type) + ")";
    const std::string hint =
        http_status == 401 || http_status == 403
            ? " (check the credentials: --bearer-token-env / --basic-auth-env name the variables holding them)"
        : http_status >= 200 && http_status < 300
            ? " (check the --prometheus URL: it must be the server root, not a UI page)"
            : " (an error page from a proxy or the server in front of Prometheus)";
    return make_error(where + ": " + what + " is not a Prometheus API response: '" + body_excerpt(body) + "'" + hint);
  }
  const JsonValue &root = *document;
  auto status = get_string(root, "status");
  if (!status)
    return make_error(where + ": HTTP " + std::to_string(http_status) + ": JSON without a \"status\" field: '" +
                      body_excerpt(body) + "'");
  if (*status != "success") {
    std::string error_type = get_string(root, "errorType").value_or("unknown");
    std::string error = get_string(root, "error").value_or("(no error message)");
    return make_error(where + ": Prometheus error (HTTP " + std::to_string(http_status) + ", errorType " + error_type +
                      "): " + error);
  }
  if (http_status < 200 || http_status >= 300) {
    return make_error(where + ": HTTP " + std::to_string(http_status) +
                      " with a success body: refusing an inconsistent answer");
  }
  PromQueryResult result;
  if (const JsonValue *warnings = find_member(root, "warnings"); warnings && warnings->IsArray()) {
    for (const auto &warning : warnings->GetArray()) {
      // Untrusted text bound for the report: one escaped line each, so a newline cannot forge one.
      if (warning.IsString())
        result.warnings.push_back(printable_excerpt(std::string_view(warning.GetString(), warning.GetStringLength())));
    }
  }
  const JsonValue *data = find_member(root, "data");
  if (!data || !data->IsObject())
    return make_error(where + ": success response without a \"data\" object");
  auto type = get_string(*data, "resultType");
  const JsonValue *items = find_member(*data, "result");
  if (!type || !items)
    return make_error(where + ": \"data\" lacks resultType or result");
  result.result_type = *type;
  if (*type == "scalar") {
    RELGATE_ASSIGN_OR_RETURN(double value, sample_value(*items, where + ": scalar result"));
    result.series.push_back({{}, {{(*items)[0].GetDouble(), value}}});
  } else if (*type == "vector" || *type == "matrix") {
    if (!items->IsArray())
      return make_error(where + ": " + *type + " result must be an array");
    for (const auto &item : items->GetArray()) {
      PromSeries series;
      RELGATE_ASSIGN_OR_RETURN(series.metric, metric_labels(item, where));
      if (*type == "vector") {
        const JsonValue *value = find_member(item, "value");
        if (!value) {
          if (find_member(item, "histogram"))
            return make_error(where + ": native histogram samples are not supported; query classic buckets");
          return make_error(where + ": vector sample without \"value\"");
        }
        RELGATE_ASSIGN_OR_RETURN(double v, sample_value(*value, where + ": vector sample"));
        series.points.emplace_back((*value)[0].GetDouble(), v);
      } else {
        const JsonValue *values = find_member(item, "values");
        if (!values || !values->IsArray())
          return make_error(where + ": matrix series without \"values\"");
        for (const auto &pair : values->GetArray()) {
          RELGATE_ASSIGN_OR_RETURN(double v, sample_value(pair, where + ": matrix sample"));
          series.points.emplace_back(pair[0].GetDouble(), v);
        }
      }
      result.series.push_back(std::move(series));
    }
  } else if (*type == "string") {
    return make_error(where + ": the query returned a string, not a number");
  } else {
    return make_error(where + ": unknown resultType '" + *type + "'");
  }
  return result;
}

namespace
{

std::string unix_seconds_text(double seconds)
{
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.3f", seconds);
  return buffer;
}

Result<PromQueryResult> api_get(const PrometheusEndpoint &endpoint, const std::string &path,
                                std::vector<std::pair<std::string, std::string>> query)
{
  HttpRequest request;
  std::string base = endpoint.base_url;
  while (!base.empty() && base.back() == '/')
    base.pop_back();
  request.url = base + path;
  request.query = std::move(query);
  request.headers.push_back("Accept: application/json");
  request.bearer_token_env = endpoint.bearer_token_env;
  request.basic_auth_env = endpoint.basic_auth_env;
  request.ca_cert_path = endpoint.ca_cert_path;
  request.ca_cert_option = "--cacert"; // slo-check's flag, named in a TLS error
  request.timeout = endpoint.request_timeout;
  request.max_attempts = endpoint.max_attempts;
  const std::string where = "prometheus " + redact_url(base);
  auto response = http_get(request);
  if (!response)
    return make_error(where + ": unreachable: " + response.message());
  return parse_prometheus_response(response->status, response->content_type, response->body, where);
}

} // namespace

Result<PromQueryResult> prometheus_query(const PrometheusEndpoint &endpoint, const std::string &promql,
                                         std::optional<double> time)
{
  std::vector<std::pair<std::string, std::string>> query = {{"query", promql}};
  if (time)
    query.emplace_back("time", unix_seconds_text(*time));
  return api_get(endpoint, "/api/v1/query", std::move(query));
}

Result<PromQueryResult> prometheus_query_range(const PrometheusEndpoint &endpoint, const std::string &promql,
                                               double start, double end, Duration step)
{
  const double step_seconds = std::chrono::duration<double>(step).count();
  RELGATE_ASSIGN_OR_RETURN(auto result, api_get(endpoint, "/api/v1/query_range",
                                                {{"query", promql},
                                                 {"start", unix_seconds_text(start)},
                                                 {"end", unix_seconds_text(end)},
                                                 {"step", unix_seconds_text(step_seconds)}}));
  // Prometheus answers at most one point per step from start to end; more (plus one for rounding)
  // is not an answer to this query, and would make the comparison's cost the answerer's choice.
  const double asked = std::floor((end - start) / step_seconds) + 1;
  for (const auto &series : result.series) {
    if (static_cast<double>(series.points.size()) > asked + 1) {
      return make_error("query_range '" + promql + "' answered " + std::to_string(series.points.size()) +
                        " points in one series; asked for at most " + std::to_string(static_cast<int64_t>(asked)) +
                        " (range / step + 1): refused (check the Prometheus URL)");
    }
  }
  return result;
}

bool is_permanent_query_error(const std::string &message)
{
  return message.find("errorType bad_data)") != std::string::npos;
}

Result<std::optional<double>> single_value(const PromQueryResult &result, const std::string &promql)
{
  if (result.result_type == "matrix") {
    return make_error("query '" + promql +
                      "' returned a range (matrix); write an instant query, e.g. wrap it in rate(...[5m])");
  }
  if (result.series.empty())
    return std::optional<double>();
  if (result.series.size() > 1) {
    return make_error("query '" + promql + "' returned " + std::to_string(result.series.size()) +
                      " series; aggregate it to one (sum, max, or by a label filter)");
  }
  const auto &points = result.series[0].points;
  if (points.empty() || std::isnan(points.back().second))
    return std::optional<double>();
  return std::optional<double>(points.back().second);
}

} // namespace relgate::slo
