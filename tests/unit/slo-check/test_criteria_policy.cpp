#include "criteria.hpp"
#include "slo_policy.hpp"

#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::slo;

TEST_CASE("criteria: absolute with units, relative with a sign")
{
  auto ms = parse_criterion("<= 500ms");
  REQUIRE(ms);
  CHECK(ms->comparator == Comparator::less_equal);
  CHECK_FALSE(ms->relative);
  CHECK(ms->amount == 0.5);
  CHECK(parse_criterion("< 1%")->amount == 0.01);
  CHECK(parse_criterion(">=0.95")->amount == 0.95);
  CHECK(parse_criterion("> 2s")->amount == 2);
  auto plus = parse_criterion("<= +10%");
  REQUIRE(plus);
  CHECK(plus->relative);
  CHECK(*criterion_threshold(*plus, 0.5) == doctest::Approx(0.55));
  CHECK_FALSE(criterion_threshold(*plus, std::nullopt)); // no reference: skipped
  auto minus = parse_criterion(">= -5%");
  CHECK(*criterion_threshold(*minus, 200.0) == doctest::Approx(190));
  auto plus_ms = parse_criterion("<= +50ms");
  CHECK(*criterion_threshold(*plus_ms, 0.2) == doctest::Approx(0.25));
  for (const char *bad : {"500ms", "<= fast", "<=", "~ 3", "<= -", "<= 5 ms s", "<= -3"}) {
    INFO(bad);
    auto parsed = parse_criterion(bad);
    if (std::string(bad) == "<= -3") {
      CHECK(parsed); // a relative decrease is valid
      continue;
    }
    REQUIRE_FALSE(parsed);
    CHECK(parsed.message().find("expected <, <=, =, >= or >") != std::string::npos);
  }
}

TEST_CASE("comparisons and their negations in reasons")
{
  CHECK(compare(0.5, Comparator::less_equal, 0.5));
  CHECK_FALSE(compare(0.5, Comparator::less, 0.5));
  CHECK(compare(1, Comparator::equal, 1));
  CHECK(negated_comparator_text(Comparator::less_equal) == ">");
  CHECK(negated_comparator_text(Comparator::greater) == "<=");
  CHECK(format_value(0.742, Unit::seconds) == "742 ms");
  CHECK(format_value(0.023, Unit::ratio) == "2.3%");
  CHECK(format_value(12.5, Unit::per_second) == "12.5 req/s");
}

TEST_CASE("metric names")
{
  CHECK(parse_metric_name("p99_latency")->quantile == 0.99);
  CHECK(parse_metric_name("p99.9_latency")->quantile == 0.999); // the same double as PromQL's 0.999
  CHECK(parse_metric_name("p5_latency")->quantile == 0.05);
  CHECK(parse_metric_name("error_rate")->kind == MetricSpec::Kind::error_rate);
  for (const char *bad :
       {"p100_latency", "p_latency", "p9x_latency", "p99.", "latency", "p-1_latency", "p999_latency"}) {
    INFO(bad);
    CHECK_FALSE(parse_metric_name(bad));
  }
}

TEST_CASE("the policy loads strictly")
{
  auto policy = load_slo_policy_text(R"(version = 1
[source]
requests_metric = "reqs_total"
status_labels = ["code"]
window = "1m"
[measurement]
interval = "30s"
count = 5
failure_limit = 1
[[objectives]]
name = "p95"
metric = "p95_latency"
pass = ["<= 300ms", "<= +10%"]
warning = ["<= 400ms"]
relative_to = "last_allow"
weight = 2
[[objectives]]
name = "custom"
query = 'sum(rate(x{role="{{ role }}"}[{{ window }}]))'
pass = [">= 1"]
no_data = "deny"
no_reference = "pass"
direction = "none"
[burn_rate]
target = 0.999
[score]
pass = 80
warning = 60
)",
                                     "p.toml");
  REQUIRE_MESSAGE(policy, (policy ? "" : policy.message()));
  CHECK(policy->names.requests_total == "reqs_total");
  CHECK(policy->window == std::chrono::minutes(1));
  CHECK(policy->plan.count == 5);
  CHECK(policy->plan.failure_limit == 1);
  CHECK(policy->plan.consecutive_error_limit == 4); // Argo's default
  REQUIRE(policy->objectives.size() == 2);
  CHECK(policy->objectives[0].pass.size() == 2);
  CHECK(policy->objectives[0].relative_to == RelativeTo::last_allow);
  CHECK(policy->objectives[0].unit == Unit::seconds);
  CHECK(policy->objectives[1].metric.kind == MetricSpec::Kind::query);
  CHECK(policy->objectives[1].no_data == NoDataPolicy::deny);
  CHECK(policy->objectives[0].no_reference == NoDataPolicy::inconclusive); // the default
  CHECK(policy->objectives[1].no_reference == NoDataPolicy::pass);
  CHECK(policy->min_window == std::chrono::minutes(1)); // the window the policy sets is the floor
  CHECK(policy->burn_rate.enabled);
  REQUIRE(policy->burn_rate.windows.size() == 2); // the workbook's defaults
  CHECK(policy->burn_rate.windows[0].factor == 14.4);
  CHECK(policy->score.pass == 80);
}

TEST_CASE("policy errors name the place and the fix")
{
  struct Case {
    const char *text;
    const char *needle;
  };
  const Case cases[] = {
      {"version = 1\n[[objectives]]\nname = \"x\"\nmetric = \"p99_latency\"\npass = [\"< fast\"]\n", "p.toml:"},
      {"version = 1\n[[objectives]]\nname = \"x\"\nmetric = \"p99_latncy\"\n", "unknown metric 'p99_latncy'"},
      {"version = 1\n[[objectives]]\nname = \"x\"\n", "needs metric"},
      {"version = 1\n[[objectives]]\nname = \"x\"\nmetric = \"error_rate\"\nquery = \"up\"\n", "not both"},
      {"version = 1\n[[objectives]]\nname = \"x\"\nmetric = \"error_rate\"\n[[objectives]]\nname = \"x\"\nmetric = "
       "\"error_rate\"\n",
       "duplicate objective name"},
      {"version = 1\n[measurement]\ncount = 3\n[[objectives]]\nname = \"x\"\nmetric = \"error_rate\"\n",
       "count > 1 needs an interval"},
      {"version = 1\n[[objectives]]\nname = \"x\"\nmetric = \"error_rate\"\nthreshold = 3\n", "threshold"},
      {"version = 1\n", "nothing to check"},
      {"version = 2\n[[objectives]]\nname = \"x\"\nmetric = \"error_rate\"\n", "newer"},
      {"version = 1\n[score]\npass = 50\nwarning = 70\n[[objectives]]\nname = \"x\"\nmetric = \"error_rate\"\n",
       "must be <= pass"},
      {"version = 1\n[[objectives]]\nname = \"x\"\nmetric = \"error_rate\"\nno_data = \"maybe\"\n", "deny"},
  };
  for (const auto &c : cases) {
    auto policy = load_slo_policy_text(c.text, "p.toml");
    INFO(c.text);
    REQUIRE_FALSE(policy);
    CHECK_MESSAGE(policy.message().find(c.needle) != std::string::npos, policy.message());
  }
}
