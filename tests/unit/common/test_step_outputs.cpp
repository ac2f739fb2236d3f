#include "ci_outputs.hpp"
#include "file_io.hpp"
#include "step_main.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace relgate;

namespace
{

std::string scratch(const std::string &name)
{
  return relgate::test::scratch_path(name);
}

StepOutcome denied()
{
  StepOutcome outcome;
  outcome.decision = Decision::deny;
  outcome.reasons = {"2 critical findings > max 0", "CVE-2024-1 is in the KEV catalogue"};
  outcome.checks = {{"max.critical", false, "2 > 0"}, {"kev", false, "1 listed"}, {"max.high", true, "0 <= 10"}};
  outcome.outputs = {{"critical", "2"}};
  set_member(outcome.summary, "critical", JsonValue(2), outcome.summary.GetAllocator());
  return outcome;
}

struct ScopedEnv {
  std::vector<std::string> names;
  void set(const std::string &name, const std::string &value)
  {
    ::setenv(name.c_str(), value.c_str(), 1);
    names.push_back(name);
  }
  ~ScopedEnv()
  {
    for (const auto &name : names)
      ::unsetenv(name.c_str());
  }
};

StepSpec spec()
{
  StepSpec s;
  s.name = "scan-gate";
  return s;
}

} // namespace

TEST_CASE("text and json renderings carry decision and reasons; exit code follows the decision")
{
  std::ostringstream out, err;
  CommonOptions common;
  int code = finish_step(spec(), common, denied(), StepIo{out, err}, "2026-01-01T00:00:00Z", 5);
  CHECK(code == 1);
  CHECK(out.str() == "scan-gate: DENY\n  - 2 critical findings > max 0\n  - CVE-2024-1 is in the KEV catalogue\n");

  std::ostringstream json_out;
  common.format = "json";
  CHECK(finish_step(spec(), common, denied(), StepIo{json_out, err}, "2026-01-01T00:00:00Z", 5) == 1);
  auto document = parse_json(json_out.str(), "stdout");
  REQUIRE(document);
  CHECK(get_string(*document, "step") == "scan-gate");
  CHECK(get_string(*document, "decision") == "DENY");
  CHECK((*document)["reasons"].Size() == 2);
  CHECK((*document)["summary"]["critical"].GetInt() == 2);
  CHECK((*document)["checks"].Size() == 3);
}

TEST_CASE("an error fails closed with exit 2, and json still has a decision")
{
  std::ostringstream out, err;
  CommonOptions common;
  common.format = "json";
  int code = finish_step(spec(), common, make_error("report.json: invalid JSON at byte 3"), StepIo{out, err}, "", 0);
  CHECK(code == 2);
  CHECK(err.str() == "scan-gate: error: report.json: invalid JSON at byte 3\n");
  auto document = parse_json(out.str(), "stdout");
  REQUIRE(document);
  CHECK(get_string(*document, "decision") == "ERROR");
}

TEST_CASE("a judged artifact that is not the subject is refused")
{
  std::ostringstream out, err;
  CommonOptions common;
  common.subject = *parse_subject("api@sha256:" + std::string(64, 'a'));
  StepOutcome outcome = denied();
  outcome.decision = Decision::allow;
  outcome.judged_digest = *parse_digest("sha256:" + std::string(64, 'b'));
  CHECK(finish_step(spec(), common, std::move(outcome), StepIo{out, err}, "", 0) == 2);
  CHECK(err.str().find("is not the subject") != std::string::npos);
}

TEST_CASE("GitHub Actions: outputs, step summary and annotations")
{
  ScopedEnv env;
  const std::string output = scratch("github_output");
  const std::string summary = scratch("github_summary");
  ::unlink(output.c_str());
  ::unlink(summary.c_str());
  env.set("GITHUB_ACTIONS", "true");
  env.set("GITHUB_OUTPUT", output);
  env.set("GITHUB_STEP_SUMMARY", summary);
  std::ostringstream out, err;
  CHECK(finish_step(spec(), CommonOptions{}, denied(), StepIo{out, err}, "", 0) == 1);
  CHECK(out.str().find("::error title=relgate scan-gate::2 critical findings > max 0\n") != std::string::npos);
  const std::string outputs = *read_file(output);
  CHECK(outputs.find("decision=DENY\n") == 0);
  CHECK(outputs.find("exit-code=1\n") != std::string::npos);
  CHECK(outputs.find("critical=2\n") != std::string::npos);
  CHECK(outputs.find(
            "reasons<<RELGATE_EOF\n2 critical findings > max 0\nCVE-2024-1 is in the KEV catalogue\nRELGATE_EOF\n") !=
        std::string::npos);
  const std::string markdown = *read_file(summary);
  CHECK(markdown.find("### relgate scan-gate: DENY") == 0);
  CHECK(markdown.find("| max.critical | **fail** | 2 > 0 |") != std::string::npos);
}

TEST_CASE("GitLab CI: dotenv and JUnit report files")
{
  ScopedEnv env;
  const std::string dir = scratch("gitlab-reports");
  env.set("GITLAB_CI", "true");
  env.set("RELGATE_REPORT_DIR", dir);
  std::ostringstream out, err;
  CHECK(finish_step(spec(), CommonOptions{}, denied(), StepIo{out, err}, "", 0) == 1);
  CHECK(*read_file(dir + "/scan-gate.env") == "RELGATE_SCAN_GATE_DECISION=DENY\nRELGATE_SCAN_GATE_CRITICAL=2\n");
  const std::string junit = *read_file(dir + "/scan-gate.junit.xml");
  CHECK(junit.find("tests=\"3\" failures=\"2\"") != std::string::npos);
  CHECK(junit.find("<testcase classname=\"relgate.scan-gate\" name=\"max.high\"/>") != std::string::npos);
  CHECK(junit.find("<failure message=\"2 &gt; 0\">2 &gt; 0</failure>") != std::string::npos);
}

TEST_CASE("workflow command escaping")
{
  CHECK(escape_workflow_command("50% a\nb", false) == "50%25 a%0Ab");
  CHECK(escape_workflow_command("a:b,c", true) == "a%3Ab%2Cc");
  CHECK(dotenv_key("slo-check", "p99.ms") == "RELGATE_SLO_CHECK_P99_MS");
}
