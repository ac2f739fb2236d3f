#include "criteria.hpp"
#include "exposition.hpp"
#include "metric_sources.hpp"
#include "slo_policy.hpp"
#include "watch.hpp"

#include "json.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <unistd.h>

using namespace relgate;
using namespace relgate::slo;

TEST_CASE("history line: the contract's members in order, nulls for what was not measured")
{
  HistorySample sample;
  sample.at = "2026-11-17T14:03:07.120Z";
  sample.env = "prod";
  sample.stage = 100;
  sample.subject_digest = "sha256:" + std::string(64, 'a');
  sample.decision = Decision::deny;
  sample.values.error_rate = 0.25;
  sample.values.latency_p99_seconds = 0.041;
  sample.reasons = {"error rate 25% > 1% (\"quoted\")"};
  const std::string line = history_line(sample);
  CHECK(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);
  CHECK(line ==
        "{\"schema\":\"relgate.slo-history/v1\",\"at\":\"2026-11-17T14:03:07.120Z\",\"env\":\"prod\",\"stage\":100,"
        "\"subject\":\"sha256:" +
            std::string(64, 'a') +
            "\",\"decision\":\"DENY\",\"error_rate\":0.25,\"latency_p50_seconds\":null,"
            "\"latency_p99_seconds\":0.041,\"reasons\":[\"error rate 25% > 1% (\\\"quoted\\\")\"]}\n");
  HistorySample empty;
  empty.at = "2026-11-17T14:03:07Z";
  auto parsed = parse_json(history_line(empty), "line");
  REQUIRE(parsed);
  CHECK((*parsed)["env"].IsNull());
  CHECK((*parsed)["stage"].IsNull());
  CHECK((*parsed)["subject"].IsNull());
  CHECK(std::string((*parsed)["decision"].GetString()) == "ERROR");
}

TEST_CASE("history file: appends, refuses symlinks and non-regular files")
{
  const std::string dir =
      std::filesystem::temp_directory_path().string() + "/relgate-history-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto file = HistoryFile::open(dir + "/h.jsonl");
    REQUIRE(file);
    REQUIRE(file->append("{\"a\":1}\n"));
    REQUIRE(file->append("{\"a\":2}\n"));
  }
  CHECK(std::filesystem::file_size(dir + "/h.jsonl") == 16);
  std::filesystem::create_symlink(dir + "/h.jsonl", dir + "/link.jsonl");
  auto link = HistoryFile::open(dir + "/link.jsonl");
  REQUIRE_FALSE(link);
  CHECK(link.message().find("symbolic link") != std::string::npos);
  auto folder = HistoryFile::open(dir);
  CHECK_FALSE(folder);
  CHECK_FALSE(HistoryFile::open(""));
  std::filesystem::remove_all(dir);
}

TEST_CASE("status line: decision, figures, first reason when not ALLOW")
{
  HistorySample sample;
  sample.at = "2026-11-17T14:03:07.120Z";
  sample.decision = Decision::allow;
  sample.values.error_rate = 0.0;
  sample.values.latency_p99_seconds = 0.041;
  CHECK(status_line(sample, 3, 0) == "14:03:07  ALLOW  error rate 0%  p99 41 ms  (sample 3)");
  sample.decision = Decision::error;
  sample.reasons = {"unreachable"};
  CHECK(status_line(sample, 2, 5) == "14:03:07  ERROR  error rate 0%  p99 41 ms  unreachable  (sample 2/5)");
}

TEST_CASE("stop flag ends a wait within a slice")
{
  request_stop_for_test(true);
  const auto started = Clock::now();
  auto waited = sleep_until_or_deadline(Clock::now() + std::chrono::seconds(5), Clock::now() + std::chrono::seconds(10),
                                        "waiting");
  request_stop_for_test(false);
  CHECK_FALSE(waited);
  CHECK(waited.message().find("stopped by a signal") != std::string::npos);
  CHECK(Clock::now() - started < std::chrono::seconds(1));
}

TEST_CASE("byte criteria and their formatting")
{
  auto gib = parse_criterion(">= 10GiB");
  REQUIRE(gib);
  CHECK(gib->amount == 10.0 * 1024 * 1024 * 1024);
  CHECK(parse_criterion("< 512 MiB")->amount == 512.0 * 1024 * 1024);
  CHECK(parse_criterion("> 1B")->amount == 1);
  CHECK_FALSE(parse_criterion(">= GiB"));
  CHECK_FALSE(parse_criterion(">= 10 GiBs"));
  CHECK(format_value(8.2 * 1024 * 1024 * 1024, Unit::bytes) == "8.2 GiB");
  CHECK(format_value(10.0 * 1024 * 1024 * 1024, Unit::bytes) == "10 GiB");
  CHECK(format_value(512, Unit::bytes) == "512 B");
  CHECK(std::string(unit_name(Unit::bytes)) == "bytes");
}

TEST_CASE("gauge selectors: names and exact matchers only")
{
  auto plain = parse_gauge_selector("node_load1");
  REQUIRE(plain);
  CHECK(plain->kind == MetricSpec::Kind::gauge);
  CHECK(plain->gauge_name == "node_load1");
  CHECK(plain->gauge_labels.empty());
  auto labelled = parse_gauge_selector("node_filesystem_avail_bytes{mountpoint=\"/srv\",fstype=\"ext4\"}");
  REQUIRE(labelled);
  REQUIRE(labelled->gauge_labels.size() == 2);
  CHECK(labelled->gauge_labels[0] == std::make_pair(std::string("mountpoint"), std::string("/srv")));
  for (const char *bad : {"", "{a=\"b\"}", "x{a=~\"b\"}", "x{a!=\"b\"}", "x{a=\"b\"", "x{a=\"b\" b=\"c\"}", "x y",
                          "x{a=\"1\",a=\"2\"}", "9x"}) {
    CHECK_MESSAGE(!parse_gauge_selector(bad), bad);
  }
}

TEST_CASE("gauge policy: strict keys, reading from a scrape, reasons with units and where")
{
  const std::string text = "version = 1\n[[objectives]]\nname = \"free space\"\n"
                           "gauge = 'node_filesystem_avail_bytes{mountpoint=\"/srv\"}'\nunit = \"bytes\"\n"
                           "where = \"on /srv\"\npass = [\">= 10GiB\"]\n";
  auto policy = load_slo_policy_text(text, "p.toml");
  REQUIRE(policy);
  REQUIRE(policy->objectives.size() == 1);
  CHECK(policy->objectives[0].unit == Unit::bytes);
  CHECK(policy->objectives[0].where == "on /srv");
  CHECK_FALSE(load_slo_policy_text(text + "metric = \"error_rate\"\n", "p.toml"));
  CHECK_FALSE(load_slo_policy_text("version = 1\n[[objectives]]\nname = \"x\"\ngauge = \"x{\"\n", "p.toml"));
  CHECK_FALSE(
      load_slo_policy_text("version = 1\n[[objectives]]\nname = \"x\"\ngauge = \"x\"\nwhere = \"a\\nb\"\n", "p.toml"));

  auto scrape = parse_exposition("node_filesystem_avail_bytes{mountpoint=\"/srv\",fstype=\"ext4\"} 8.804682137e+09\n"
                                 "node_filesystem_avail_bytes{mountpoint=\"/\",fstype=\"ext4\"} 1e+12\n",
                                 "scrape");
  REQUIRE(scrape);
  auto reading = gauge_reading(policy->objectives[0].metric, *scrape, "target");
  REQUIRE(reading);
  REQUIRE(reading->value);
  CHECK(*reading->value == doctest::Approx(8.804682137e9));
  auto missing =
      gauge_reading(*parse_gauge_selector("node_filesystem_avail_bytes{mountpoint=\"/data\"}"), *scrape, "t");
  REQUIRE(missing);
  CHECK_FALSE(missing->value);
  auto ambiguous = gauge_reading(*parse_gauge_selector("node_filesystem_avail_bytes"), *scrape, "t");
  CHECK_FALSE(ambiguous);
}
