// histogram_quantile against answers Prometheus 2.42 computed itself (oracle/regenerate.sh):
// the bucket sets in oracle/histograms.om, the answers in oracle/answers.txt.
#include "evaluation.hpp"
#include "exposition.hpp"
#include "file_io.hpp"
#include "histogram_quantile.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>

using namespace relgate;
using namespace relgate::slo;

namespace
{

std::string oracle_path(const std::string &name)
{
  const char *source = std::getenv("RELGATE_SOURCE_DIR");
  if (source)
    return std::string(source) + "/tests/unit/slo-check/oracle/" + name;
  return (std::filesystem::path(__FILE__).parent_path() / "oracle" / name).string();
}

bool same(double a, double b)
{
  return (std::isnan(a) && std::isnan(b)) || a == b;
}

} // namespace

TEST_CASE("the reference sheet's worked vector")
{
  std::vector<Bucket> buckets = {{0.1, 50}, {0.25, 90}, {0.5, 98}, {1, 100}, {INFINITY, 100}};
  CHECK(histogram_quantile(0.99, buckets) == 0.75);
  CHECK(histogram_quantile(0.95, buckets) == 0.40625);
  // Order of the input does not matter: the function sorts by le.
  std::vector<Bucket> shuffled = {{1, 100}, {INFINITY, 100}, {0.1, 50}, {0.5, 98}, {0.25, 90}};
  CHECK(histogram_quantile(0.99, shuffled) == 0.75);
}

TEST_CASE("special cases of q and of the buckets")
{
  std::vector<Bucket> buckets = {{1, 5}, {INFINITY, 10}};
  CHECK(std::isnan(histogram_quantile(std::nan(""), buckets)));
  CHECK(histogram_quantile(-0.1, buckets) == -INFINITY);
  CHECK(histogram_quantile(1.1, buckets) == INFINITY);
  CHECK(std::isnan(histogram_quantile(0.5, {})));
  CHECK(std::isnan(histogram_quantile(0.5, {{1, 5}, {2, 10}})));         // no +Inf bucket
  CHECK(std::isnan(histogram_quantile(0.5, {{INFINITY, 10}})));          // a single bucket
  CHECK(std::isnan(histogram_quantile(0.5, {{1, 0}, {INFINITY, 0}})));   // no observations
  CHECK(histogram_quantile(0.9, {{1, 5}, {2, 8}, {INFINITY, 10}}) == 2); // rank in +Inf: 2nd highest bound
}

TEST_CASE("every oracle answer from Prometheus 2.42 is reproduced exactly")
{
  auto text = read_file(oracle_path("histograms.om"));
  REQUIRE_MESSAGE(text, (text ? "" : text.message()));
  auto exposition = parse_exposition(*text, "histograms.om");
  REQUIRE_MESSAGE(exposition, (exposition ? "" : exposition.message()));
  CHECK(exposition->openmetrics);
  std::map<std::string, std::vector<Bucket>> histograms;
  for (const auto &sample : exposition->samples) {
    auto le = parse_prometheus_float(*label_value(sample.labels, "le"));
    REQUIRE(le);
    histograms[sample.name].push_back({*le, sample.value});
  }
  auto answers = read_file(oracle_path("answers.txt"));
  REQUIRE(answers);
  std::istringstream lines(*answers);
  std::string line;
  int compared = 0;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string name, q_text, expected_text;
    fields >> name >> q_text >> expected_text;
    if (expected_text.empty())
      expected_text = "NaN"; // Prometheus answered no series
    const double q = *parse_prometheus_float(q_text);
    const double expected = *parse_prometheus_float(expected_text);
    const double actual = histogram_quantile(q, histograms[name]);
    INFO(name << " q=" << q_text << " expected " << expected_text << " got " << actual);
    CHECK(same(actual, expected));
    ++compared;
  }
  CHECK(compared == 81);
}

TEST_CASE("a quantile in the +Inf bucket is a lower bound: it fails an upper limit below it, passes none")
{
  // Every observation above the largest finite bound 0.25: "250 ms" means at least 250 ms.
  const std::vector<Bucket> beyond = {{0.1, 0}, {0.25, 0}, {INFINITY, 1000}};
  const QuantileEstimate estimate = estimate_quantile(0.99, beyond);
  CHECK(estimate.value == 0.25);
  CHECK(estimate.lower_bound);
  CHECK_FALSE(estimate_quantile(0.99, {{0.1, 50}, {0.25, 100}, {INFINITY, 100}}).lower_bound);
  CHECK_FALSE(estimate_quantile(0.5, {{0.1, 50}, {0.25, 60}, {INFINITY, 100}}).lower_bound);

  Objective objective;
  objective.name = "p99 latency";
  objective.metric = *parse_metric_name("p99_latency");
  objective.unit = Unit::seconds;
  objective.pass = {*parse_criterion("<= 500ms")};
  CanaryComparison canary;
  const Reading at_least{estimate.value, {}, true};
  auto unsure = evaluate_reading(objective, at_least, nullptr, std::nullopt, canary);
  CHECK(unsure.status == MeasurementStatus::inconclusive);
  CHECK_MESSAGE(unsure.note.find("at least 250 ms") == 0, unsure.note);
  CHECK(unsure.note.find("add buckets up to 500 ms or more") != std::string::npos);
  objective.pass = {*parse_criterion("<= 250ms")}; // at the bound: still unknown
  CHECK(evaluate_reading(objective, at_least, nullptr, std::nullopt, canary).status == MeasurementStatus::inconclusive);
  objective.pass = {*parse_criterion(">= 100ms")}; // a lower limit the bound meets is met
  CHECK(evaluate_reading(objective, at_least, nullptr, std::nullopt, canary).status == MeasurementStatus::passed);
  // Below the bound it fails, and neither a warning criterion nor a failing baseline softens it.
  objective.pass = {*parse_criterion("<= 200ms")};
  objective.warning = {*parse_criterion("<= 1s")};
  CHECK(evaluate_reading(objective, at_least, nullptr, std::nullopt, canary).status == MeasurementStatus::failed);
  objective.warning.clear();
  canary.excuse_if_baseline_fails = true;
  const Reading slow_baseline{0.3, {}};
  auto blamed = evaluate_reading(objective, at_least, &slow_baseline, std::nullopt, canary);
  CHECK(blamed.status == MeasurementStatus::failed);
  CHECK_FALSE(blamed.excused);
  // The same value as a plain reading: passes, or is excused.
  objective.pass = {*parse_criterion("<= 500ms")};
  CHECK(evaluate_reading(objective, Reading{0.25, {}}, nullptr, std::nullopt, canary).status ==
        MeasurementStatus::passed);
}
