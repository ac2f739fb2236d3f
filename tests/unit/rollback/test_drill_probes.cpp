#include "drill_probes.hpp"
#include "live_drill.hpp"

#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::rollback;

namespace
{
std::string digest(char c)
{
  return "sha256:" + std::string(64, c);
}
} // namespace

TEST_CASE("status answers: the JSON digest member, else the one digest in the text")
{
  CHECK(*digest_in_status("{\"digest\":\"" + digest('a') + "\",\"other\":\"" + digest('b') + "\"}") == digest('a'));
  CHECK(*digest_in_status("running " + digest('c') + "\n") == digest('c'));
  CHECK(*digest_in_status(digest('c') + " and again " + digest('c')) == digest('c'));
  CHECK_FALSE(digest_in_status(digest('a') + " " + digest('b')));
  CHECK_FALSE(digest_in_status("{\"digest\":null}"));
  CHECK_FALSE(digest_in_status("{\"digest\":\"sha256:short\"}"));
  CHECK_FALSE(digest_in_status("nothing here"));
  CHECK_FALSE(digest_in_status(""));
}

TEST_CASE("back to baseline: ALLOW, both figures, within the tolerances")
{
  Health baseline{"ALLOW", 0.001, 0.040, {}};
  BaselineTolerance tolerance;
  CHECK(compare_to_baseline(baseline, Health{"ALLOW", 0.0, 0.041, {}}, tolerance).empty());
  CHECK(compare_to_baseline(baseline, Health{"ALLOW", 0.006, 0.041, {}}, tolerance).empty());
  CHECK(compare_to_baseline(baseline, Health{"ALLOW", 0.0061, 0.041, {}}, tolerance).find("error rate 0.6%") == 0);
  CHECK(compare_to_baseline(baseline, Health{"ALLOW", 0.0, 0.056, {}}, tolerance).find("p99 56 ms > 55 ms") == 0);
  CHECK(compare_to_baseline(baseline, Health{"DENY", 0.0, 0.041, {"error rate 5% > 1%"}}, tolerance) ==
        "slo-check DENY: error rate 5% > 1%");
  CHECK_FALSE(compare_to_baseline(baseline, Health{"ALLOW", std::nullopt, 0.041, {}}, tolerance).empty());
  CHECK_FALSE(
      compare_to_baseline(Health{"ALLOW", 0.0, std::nullopt, {}}, Health{"ALLOW", 0.0, 0.04, {}}, tolerance).empty());
}

TEST_CASE("the drill's printed lines")
{
  LiveDrillResult result;
  result.success = true;
  result.recovery_ms = 1849;
  result.phases_ms = {{"rollback", 300}, {"converge", 500}, {"post_check", 1049}, {"roll_forward", 700}};
  result.from.release_id = "rel-2";
  result.to.release_id = "rel-1";
  result.baseline = Health{"ALLOW", 0.001, 0.040, {}};
  result.post = Health{"ALLOW", 0.0, 0.0412, {}};
  result.rolled_forward = true;
  const std::string lines = drill_report_lines(result);
  CHECK(lines.find("rollback: success in 1.8s\n") == 0);
  CHECK(lines.find("post_check: error rate 0.0% and p99 41 ms back to baseline (0.1%, 40 ms)\n") != std::string::npos);
  CHECK(lines.find("rolled forward to rel-2") != std::string::npos);
  result.success = false;
  result.failed_phase = "converge";
  result.failure = "timeout";
  result.post = Health{};
  CHECK(drill_report_lines(result).find("rollback: FAILED at converge after 1.8s: timeout\n") == 0);
}
