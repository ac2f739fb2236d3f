#include "ci_outputs.hpp"
#include "file_io.hpp"
#include "step_main.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include "ci_log_guard.hpp"

#include <cstdlib>
#include <map>
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

// $GITHUB_OUTPUT as the runner reads it (FileCommandManager): lines end at CR, LF or CRLF;
// `k=v`, or `k<<DELIM` up to a line equal to DELIM. A key seen twice counts as an injection.
std::map<std::string, std::string> parse_github_output(const std::string &content)
{
  std::vector<std::string> lines;
  std::string line;
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '\r' || content[i] == '\n') {
      lines.push_back(line);
      line.clear();
      if (content[i] == '\r' && i + 1 < content.size() && content[i + 1] == '\n')
        ++i;
    } else {
      line += content[i];
    }
  }
  if (!line.empty())
    lines.push_back(line);
  std::map<std::string, std::string> outputs;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto equals = lines[i].find('=');
    const auto heredoc = lines[i].find("<<");
    std::string key, value;
    if (equals != std::string::npos && (heredoc == std::string::npos || equals < heredoc)) {
      key = lines[i].substr(0, equals);
      value = lines[i].substr(equals + 1);
    } else {
      REQUIRE(heredoc != std::string::npos);
      key = lines[i].substr(0, heredoc);
      const std::string delimiter = lines[i].substr(heredoc + 2);
      bool closed = false;
      for (++i; i < lines.size(); ++i) {
        if (lines[i] == delimiter) {
          closed = true;
          break;
        }
        value += (value.empty() ? "" : "\n") + lines[i];
      }
      REQUIRE(closed);
    }
    INFO("key written twice: ", key);
    CHECK(outputs.count(key) == 0);
    outputs[key] = value;
  }
  return outputs;
}

// Lines the runner would take as a workflow command: "::" first after leading blanks (and, to
// model .NET's culture-sensitive compare, after any non-ASCII or control byte), or "##[" anywhere
// once such bytes are dropped.
bool has_workflow_command(const std::string &text)
{
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::string visible;
    for (char c : line) {
      const auto byte = static_cast<unsigned char>(c);
      if (c == '\r') {
        visible += '\n';
      } else if (byte > 0x20 && byte < 0x7f) {
        visible += c;
      } else if (c == ' ') {
        visible += c;
      }
    }
    std::istringstream pieces(visible);
    std::string piece;
    while (std::getline(pieces, piece)) {
      const auto start = piece.find_first_not_of(' ');
      if (start != std::string::npos && piece.compare(start, 2, "::") == 0)
        return true;
      if (piece.find("##[") != std::string::npos)
        return true;
    }
  }
  return false;
}

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
  // Annotations go to stderr: stdout is the report alone.
  CHECK(err.str().find("::error title=relgate scan-gate::2 critical findings > max 0\n") != std::string::npos);
  CHECK(out.str().find("::") == std::string::npos);
  const std::string outputs = *read_file(output);
  CHECK(outputs.find("decision=DENY\n") == 0);
  CHECK(outputs.find("exit-code=1\n") != std::string::npos);
  CHECK(outputs.find("critical=2\n") != std::string::npos);
  const auto parsed = parse_github_output(outputs);
  CHECK(parsed.at("reasons") == "2 critical findings > max 0\nCVE-2024-1 is in the KEV catalogue");
  const std::string markdown = *read_file(summary);
  CHECK(markdown.find("### relgate scan-gate: DENY") == 0);
  CHECK(markdown.find("| max.critical | **fail** | 2 &gt; 0 |") != std::string::npos);
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

TEST_CASE("JUnit: one renderer; a failing check's body can list what is behind it, the message stays")
{
  const StepOutcome outcome = denied();
  const std::string plain = render_junit("scan-gate", outcome);
  CHECK(plain.find("<testsuite name=\"relgate.scan-gate\" tests=\"3\" failures=\"2\"") != std::string::npos);
  // Bodies for some checks only (and fewer than there are checks): the rest keep their message.
  const std::string detailed = render_junit("scan-gate", outcome, {"CVE-1 in a 1 [critical]\nCVE-2 <b>\n"});
  CHECK(detailed.find("<failure message=\"2 &gt; 0\">CVE-1 in a 1 [critical]\nCVE-2 &lt;b&gt;\n</failure>") !=
        std::string::npos);
  CHECK(detailed.find("<failure message=\"1 listed\">1 listed</failure>") != std::string::npos);
  CHECK(detailed.find("<testcase classname=\"relgate.scan-gate\" name=\"max.high\"/>") != std::string::npos);
  StepOutcome unchecked = denied();
  unchecked.checks.clear();
  const std::string synthesized = render_junit("scan-gate", unchecked, {"ignored"});
  CHECK(synthesized.find("name=\"scan-gate decision\"") != std::string::npos);
  CHECK(synthesized.find("ignored") == std::string::npos);
}

TEST_CASE("workflow command escaping")
{
  CHECK(escape_workflow_command("50% a\nb", false) == "50%25 a%0Ab");
  CHECK(escape_workflow_command("a:b,c", true) == "a%3Ab%2Cc");
  CHECK(dotenv_key("slo-check", "p99.ms") == "RELGATE_SLO_CHECK_P99_MS");
}

TEST_CASE("GitHub Actions: report data never becomes a workflow command on stdout or stderr")
{
  ScopedEnv env;
  env.set("GITHUB_ACTIONS", "true");
  std::ostringstream out_sink, err_sink;
  WorkflowCommandGuard out_guard(out_sink.rdbuf()), err_guard(err_sink.rdbuf());
  std::ostream out(&out_guard), err(&err_guard);
  StepOutcome outcome = denied();
  outcome.reasons = {"::add-mask::DENY", "ok\r::stop-commands::x", "pkg ##[set-output name=decision;]ALLOW"};
  outcome.text_details = "  \xc2\xad::error::soft hyphen first\n#\xe2\x80\x8b#[add-mask]zero width\n";
  CHECK(finish_step(spec(), CommonOptions{}, std::move(outcome), StepIo{out, err}, "", 0) == 1);
  CHECK_FALSE(has_workflow_command(out_sink.str()));
  CHECK(out_sink.str().find("  - ::add-mask::DENY\n") != std::string::npos); // not first on its line: inert
  // A reason's CR is escaped (printable_line): no new line, so nothing for the runner to parse.
  CHECK(out_sink.str().find("  - ok\\x0d::stop-commands::x\n") != std::string::npos);
  CHECK(out_sink.str().find("pkg ##%5Bset-output") != std::string::npos);
  // stderr carries relgate's own annotations, each escaped so the data stays inside one command.
  std::istringstream lines(err_sink.str());
  std::string line;
  int annotations = 0;
  while (std::getline(lines, line)) {
    CHECK(line.rfind("::error title=relgate scan-gate::", 0) == 0);
    ++annotations;
  }
  CHECK(annotations == 3);
  CHECK(err_sink.str().find("::ok\\x0d::stop-commands::x\n") != std::string::npos);

  // Errors printed by finish_step go through the guard as well.
  std::ostringstream out2_sink, err2_sink;
  WorkflowCommandGuard out2_guard(out2_sink.rdbuf()), err2_guard(err2_sink.rdbuf());
  std::ostream out2(&out2_guard), err2(&err2_guard);
  CHECK(finish_step(spec(), CommonOptions{}, make_error("report.json\n::add-mask::x: bad"), StepIo{out2, err2}, "",
                    0) == 2);
  CHECK(err2_sink.str().find("\n%3A:add-mask::x: bad") != std::string::npos);
  CHECK(err2_sink.str().find("::error title=relgate scan-gate::report.json\\x0a::add-mask::x: bad\n") !=
        std::string::npos);
}

TEST_CASE("GitHub Actions: --format json stays valid JSON with the same data; annotations stay off stdout")
{
  ScopedEnv env;
  env.set("GITHUB_ACTIONS", "true");
  std::ostringstream out_sink, err_sink;
  WorkflowCommandGuard out_guard(out_sink.rdbuf()), err_guard(err_sink.rdbuf());
  std::ostream out(&out_guard), err(&err_guard);
  CommonOptions common;
  common.format = "json";
  StepOutcome outcome = denied();
  outcome.reasons = {"::add-mask::DENY", "a ##[add-mask]b"};
  CHECK(finish_step(spec(), common, std::move(outcome), StepIo{out, err}, "", 0) == 1);
  CHECK_FALSE(has_workflow_command(out_sink.str()));
  auto document = parse_json(out_sink.str(), "stdout");
  REQUIRE(document);
  CHECK(std::string((*document)["reasons"][0].GetString()) == "::add-mask::DENY");
  CHECK(std::string((*document)["reasons"][1].GetString()) == "a ##[add-mask]b");
  CHECK(err_sink.str().find("::error title=relgate scan-gate::") == 0);
}

TEST_CASE("workflow command neutralising: every trigger, every dialect, ordinary text untouched")
{
  CHECK(neutralize_workflow_commands("scan-gate: DENY\n  - CVE-1: openssl\n", OutputDialect::text) ==
        "scan-gate: DENY\n  - CVE-1: openssl\n");
  CHECK(neutralize_workflow_commands("::add-mask::x", OutputDialect::text) == "%3A:add-mask::x");
  CHECK(neutralize_workflow_commands("\t  ::x\r::y", OutputDialect::text) == "\t  %3A:x\r%3A:y");
  CHECK(neutralize_workflow_commands("\xc2\xa0::x", OutputDialect::text) == "\xc2\xa0%3A:x");
  CHECK(neutralize_workflow_commands("x ###[error]y", OutputDialect::text) == "x ###%5Berror]y");
  CHECK(neutralize_workflow_commands("# [x] #a[", OutputDialect::text) == "# [x] #a[");
  CHECK(neutralize_workflow_commands("[\"::a ##[b\"]", OutputDialect::json) == "[\"::a ##\\u005bb\"]");
  CHECK(neutralize_workflow_commands("<a>\n::b ##[c</a>", OutputDialect::xml) == "<a>\n&#58;:b ##&#91;c</a>");
  CHECK(dialect_of("  {\"a\": 1}") == OutputDialect::json);
  CHECK(dialect_of("<?xml version=\"1.0\"?>") == OutputDialect::xml);
  CHECK(dialect_of("scan-gate: ALLOW") == OutputDialect::text);
  // Idempotent: a neutralised text passes the stream guard unchanged.
  const std::string once = neutralize_workflow_commands("::a\n##[b", OutputDialect::text);
  CHECK(neutralize_workflow_commands(once, OutputDialect::text) == once);
}

TEST_CASE("GitHub Actions: $GITHUB_OUTPUT values cannot add or replace keys")
{
  ScopedEnv env;
  const std::string output = scratch("github_output_injection");
  ::unlink(output.c_str());
  env.set("GITHUB_ACTIONS", "true");
  env.set("GITHUB_OUTPUT", output);
  StepOutcome outcome = denied();
  outcome.reasons = {"finding\rdecision=ALLOW", "x\nexit-code=0"};
  outcome.outputs = {{"evidence-head", "sha256:" + std::string(64, 'a')}, {"note", "a\rdecision=ALLOW"}};
  std::ostringstream out, err;
  CHECK(finish_step(spec(), CommonOptions{}, std::move(outcome), StepIo{out, err}, "", 0) == 1);
  const std::string first = *read_file(output);
  const auto parsed = parse_github_output(first);
  CHECK(parsed.at("decision") == "DENY");
  CHECK(parsed.at("exit-code") == "1");
  CHECK(parsed.at("evidence-head") == "sha256:" + std::string(64, 'a'));
  CHECK(parsed.size() == 5);
  CHECK(first.find("RELGATE_EOF") == std::string::npos); // a guessable delimiter is gone

  // The delimiter is random: a report cannot guess it.
  ::unlink(output.c_str());
  CHECK(finish_step(spec(), CommonOptions{}, denied(), StepIo{out, err}, "", 0) == 1);
  const std::string second = *read_file(output);
  const auto delimiter_of = [](const std::string &text) {
    const auto start = text.find("reasons<<") + 9;
    return text.substr(start, text.find('\n', start) - start);
  };
  CHECK(delimiter_of(first).size() >= 32);
  CHECK(delimiter_of(first) != delimiter_of(second));

  // A step output may not shadow the decision.
  StepOutcome shadow = denied();
  shadow.outputs = {{"decision", "ALLOW"}};
  std::ostringstream err2;
  CHECK(finish_step(spec(), CommonOptions{}, std::move(shadow), StepIo{out, err2}, "", 0) == 1);
  CHECK(err2.str().find("reserved output name 'decision'") != std::string::npos);
}

TEST_CASE("GitHub Actions: the step summary escapes Markdown and HTML")
{
  ScopedEnv env;
  const std::string summary = scratch("github_summary_escape");
  ::unlink(summary.c_str());
  env.set("GITHUB_ACTIONS", "true");
  env.set("GITHUB_STEP_SUMMARY", summary);
  StepOutcome outcome = denied();
  outcome.reasons = {"<img src=https://t.example/p.png> `x` [y](https://e.example) a|b",
                     "bare links: https://evil.example www.evil.example mail a.b@evil.example"};
  outcome.checks = {{"c|d", false, "<script>"}};
  std::ostringstream out, err;
  CHECK(finish_step(spec(), CommonOptions{}, std::move(outcome), StepIo{out, err}, "", 0) == 1);
  const std::string markdown = *read_file(summary);
  CHECK(markdown.find("<img") == std::string::npos);
  CHECK(markdown.find("<script>") == std::string::npos);
  CHECK(markdown.find("&lt;img src=https") != std::string::npos);
  CHECK(markdown.find("\\`x\\`") != std::string::npos);
  CHECK(markdown.find("\\[y\\](https\\://e.example)") != std::string::npos);
  // GFM autolinks bare addresses: each is broken up so it renders as text.
  CHECK(markdown.find("https\\://evil.example www\\.evil.example mail a.b<span>@</span>evil.example") !=
        std::string::npos);
  CHECK(markdown.find("| c\\|d | **fail** | &lt;script&gt; |") != std::string::npos);
}

TEST_CASE("GitLab CI: dotenv values cannot add variables, whatever the parser")
{
  ScopedEnv env;
  const std::string dir = scratch("gitlab-reports-injection");
  env.set("GITLAB_CI", "true");
  env.set("RELGATE_REPORT_DIR", dir);
  StepOutcome outcome = denied();
  outcome.outputs = {{"note", "\"x\nRELGATE_SCAN_GATE_DECISION=ALLOW\r\\\"#$HOME 'y"},
                     {"evidence-head", "sha256:" + std::string(64, 'c')}};
  std::ostringstream out, err;
  CHECK(finish_step(spec(), CommonOptions{}, std::move(outcome), StepIo{out, err}, "", 0) == 1);
  const std::string dotenv = *read_file(dir + "/scan-gate.env");
  CHECK(dotenv == "RELGATE_SCAN_GATE_DECISION=DENY\n"
                  "RELGATE_SCAN_GATE_NOTE=%22x%0ARELGATE_SCAN_GATE_DECISION%3DALLOW%0D%5C%22%23%24HOME%20%27y\n"
                  "RELGATE_SCAN_GATE_EVIDENCE_HEAD=sha256:" +
                      std::string(64, 'c') + "\n");

  StepOutcome shadow = denied();
  shadow.outputs = {{"decision", "ALLOW"}};
  std::ostringstream err2;
  CHECK(finish_step(spec(), CommonOptions{}, std::move(shadow), StepIo{out, err2}, "", 0) == 1);
  CHECK(err2.str().find("would replace RELGATE_SCAN_GATE_DECISION") != std::string::npos);
}

TEST_CASE("GitLab CI: a planted temp-file symlink next to the dotenv file is not followed")
{
  ScopedEnv env;
  const std::string dir = scratch("gitlab-reports-symlink");
  const std::string victim = scratch("gitlab-victim");
  ::mkdir(dir.c_str(), 0700);
  REQUIRE(write_file_atomic(victim, "keep\n"));
  env.set("GITLAB_CI", "true");
  env.set("RELGATE_REPORT_DIR", dir);
  // Both the old fixed name and a guessable pid suffix point at the victim.
  for (const std::string &suffix : std::vector<std::string>{".tmp", ".tmp." + std::to_string(::getpid())}) {
    ::unlink((dir + "/scan-gate.env" + suffix).c_str());
    ::unlink((dir + "/scan-gate.junit.xml" + suffix).c_str());
    REQUIRE(::symlink(victim.c_str(), (dir + "/scan-gate.env" + suffix).c_str()) == 0);
    REQUIRE(::symlink(victim.c_str(), (dir + "/scan-gate.junit.xml" + suffix).c_str()) == 0);
  }
  std::ostringstream out, err;
  CHECK(finish_step(spec(), CommonOptions{}, denied(), StepIo{out, err}, "", 0) == 1);
  CHECK(*read_file(victim) == "keep\n");
  CHECK(read_file(dir + "/scan-gate.env")->rfind("RELGATE_SCAN_GATE_DECISION=DENY\n", 0) == 0);
}

TEST_CASE("JUnit and step summary: an inconclusive check is skipped, never a pass; an error is an <error>")
{
  StepOutcome outcome;
  outcome.decision = Decision::inconclusive;
  outcome.checks = {CheckResult{"error_rate", false, "no data: no request was served", true},
                    CheckResult{"latency_p99", true, "0.12s <= 0.5s", false}};
  const std::string junit = render_junit("slo-check", outcome);
  CHECK(junit.find("tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\"") != std::string::npos);
  CHECK(junit.find("<skipped message=\"no data: no request was served\">") != std::string::npos);
  CHECK(junit.find("name=\"latency_p99\"/>") != std::string::npos);

  ScopedEnv env;
  const std::string summary = scratch("inconclusive_summary");
  ::unlink(summary.c_str());
  env.set("GITHUB_ACTIONS", "true");
  env.set("GITHUB_STEP_SUMMARY", summary);
  std::ostringstream out, err;
  StepSpec step = spec();
  step.name = "slo-check";
  CHECK(finish_step(step, CommonOptions{}, std::move(outcome), StepIo{out, err}, "", 0) == 3);
  const std::string markdown = *read_file(summary);
  CHECK(markdown.find("| error\\_rate | **inconclusive** | no data: no request was served |") != std::string::npos);
  CHECK(markdown.find("| error\\_rate | pass") == std::string::npos);

  StepOutcome failed;
  failed.decision = Decision::error;
  failed.reasons = {"report.json: not JSON"};
  const std::string errored = render_junit("scan-gate", failed);
  CHECK(errored.find("failures=\"0\" errors=\"1\"") != std::string::npos);
  CHECK(errored.find("<error message=\"ERROR: report.json: not JSON\">") != std::string::npos);
  CHECK(errored.find("<failure") == std::string::npos);
}
