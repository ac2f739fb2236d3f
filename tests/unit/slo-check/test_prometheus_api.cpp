#include "prometheus_api.hpp"

#include <doctest/doctest.h>

#include <cmath>

using namespace relgate::slo;

namespace
{

PromQueryResult ok(const char *body)
{
  auto result = parse_prometheus_response(200, "application/json", body, "prometheus test");
  REQUIRE_MESSAGE(result, (result ? "" : result.message()));
  return *result;
}

std::string error_of(long status, const char *content_type, const char *body)
{
  auto result = parse_prometheus_response(status, content_type, body, "prometheus http://p");
  REQUIRE_FALSE(result);
  return result.message();
}

} // namespace

TEST_CASE("vector, scalar and matrix results with NaN and +Inf strings")
{
  auto vector = ok(R"({"status":"success","data":{"resultType":"vector","result":[
    {"metric":{"le":"0.5","job":"api"},"value":[1700000000.123,"0.75"]},
    {"metric":{},"value":[1700000000.123,"+Inf"]}]}})");
  CHECK(vector.result_type == "vector");
  REQUIRE(vector.series.size() == 2);
  CHECK(vector.series[0].points[0].second == 0.75);
  CHECK(vector.series[0].points[0].first == 1700000000.123);
  CHECK(*label_value(vector.series[0].metric, "job") == "api");
  CHECK(vector.series[1].points[0].second == INFINITY);

  auto scalar = ok(R"({"status":"success","data":{"resultType":"scalar","result":[1700000000,"NaN"]}})");
  REQUIRE(scalar.series.size() == 1);
  CHECK(std::isnan(scalar.series[0].points[0].second));
  auto none = single_value(scalar, "q");
  REQUIRE(none);
  CHECK_FALSE(*none); // NaN is no data, not a number to compare

  auto matrix = ok(R"({"status":"success","data":{"resultType":"matrix","result":[
    {"metric":{},"values":[[1700000000,"1"],[1700000030,"NaN"],[1700000060,"-Inf"]]}]}})");
  REQUIRE(matrix.series[0].points.size() == 3);
  CHECK(matrix.series[0].points[2].second == -INFINITY);
  auto from_matrix = single_value(matrix, "rate(x[5m])[10m:]");
  REQUIRE_FALSE(from_matrix);
  CHECK(from_matrix.message().find("instant query") != std::string::npos);
}

TEST_CASE("single_value: empty, one series, several series")
{
  auto empty = ok(R"({"status":"success","data":{"resultType":"vector","result":[]}})");
  auto none = single_value(empty, "q");
  REQUIRE(none);
  CHECK_FALSE(*none);
  auto one = ok(R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"0.02"]}]}})");
  CHECK(**single_value(one, "q") == 0.02);
  auto two = ok(
      R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1"},"value":[1,"1"]},{"metric":{"a":"2"},"value":[1,"2"]}]}})");
  auto several = single_value(two, "rate(x[1m])");
  REQUIRE_FALSE(several);
  CHECK(several.message().find("returned 2 series; aggregate it") != std::string::npos);
}

TEST_CASE("warnings are kept")
{
  auto result = ok(
      R"({"status":"success","warnings":["PromQL info: metric might not be a counter"],"data":{"resultType":"vector","result":[]}})");
  REQUIRE(result.warnings.size() == 1);
  CHECK(result.warnings[0].find("might not be a counter") != std::string::npos);
}

TEST_CASE("a warning is stored as one escaped line")
{
  // A Prometheus warning is untrusted text for the report: its newline, CR and ESC are escaped,
  // so it cannot print a line of its own ("slo-check: ALLOW") nor move the cursor.
  auto result = ok(
      R"({"status":"success","warnings":["x\nslo-check: ALLOW\r\u001b[1A"],"data":{"resultType":"vector","result":[]}})");
  REQUIRE(result.warnings.size() == 1);
  CHECK(result.warnings[0].find_first_of("\r\n\x1b") == std::string::npos);
  CHECK(result.warnings[0].find("x\\x0aslo-check: ALLOW\\x0d\\x1b[1A") != std::string::npos);
}

TEST_CASE("error bodies, HTML pages and garbage become clear errors")
{
  auto bad_data =
      error_of(400, "application/json",
               R"({"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:17: parse error"})");
  CHECK(bad_data.find(
            "Prometheus error (HTTP 400, errorType bad_data): invalid parameter \"query\": 1:17: parse error") !=
        std::string::npos);
  CHECK(is_permanent_query_error(bad_data));
  auto timeout =
      error_of(503, "application/json",
               R"({"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"})");
  CHECK(timeout.find("errorType timeout") != std::string::npos);
  CHECK_FALSE(is_permanent_query_error(timeout));
  auto html = error_of(502, "text/html", "<html>\n<body><h1>502 Bad Gateway</h1></body></html>");
  CHECK(html.find("HTTP 502 (text/html) is not a Prometheus API response: '<html> <body><h1>502 Bad Gateway") !=
        std::string::npos);
  auto garbage = error_of(200, "application/json", R"({"status":"success","data":{"resultType":)");
  CHECK(garbage.find("is not a Prometheus API response") != std::string::npos);
  CHECK(garbage.find("server root") != std::string::npos);
  CHECK(error_of(200, "application/json", R"({"data":{}})").find("without a \"status\"") != std::string::npos);
  CHECK(error_of(200, "application/json", R"({"status":"success"})").find("without a \"data\"") != std::string::npos);
  CHECK(error_of(200, "application/json",
                 R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"x"]}]}})")
            .find("'x' is not a number") != std::string::npos);
  CHECK(error_of(200, "application/json", R"({"status":"success","data":{"resultType":"string","result":[1,"hello"]}})")
            .find("returned a string") != std::string::npos);
  CHECK(error_of(200, "application/json",
                 R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"histogram":[1,{}]}]}})")
            .find("native histogram") != std::string::npos);
  CHECK(error_of(500, "application/json", R"({"status":"success","data":{"resultType":"vector","result":[]}})")
            .find("inconsistent") != std::string::npos);
}

TEST_CASE("body excerpts are short and printable")
{
  std::string long_body(500, 'x');
  CHECK(body_excerpt(long_body).size() == 123);
  CHECK(body_excerpt("a\n\n\tb\x01") == "a b");
}
