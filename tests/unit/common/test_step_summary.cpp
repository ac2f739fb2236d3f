#include "step_summary.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace relgate;

namespace
{

StepOutcome huge_denial(std::size_t reasons, std::size_t reason_bytes, std::size_t checks, std::size_t message_bytes)
{
  StepOutcome outcome;
  outcome.decision = Decision::deny;
  for (std::size_t i = 0; i < reasons; ++i)
    outcome.reasons.push_back("reason " + std::to_string(i) + " " + std::string(reason_bytes, 'r'));
  for (std::size_t i = 0; i < checks; ++i) {
    CheckResult check;
    check.name = "check " + std::to_string(i);
    check.message = std::string(message_bytes, 'm');
    check.passed = false;
    outcome.checks.push_back(check);
  }
  return outcome;
}

std::size_t count(const std::string &text, const std::string &what)
{
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

} // namespace

TEST_CASE("step summary: small outcomes are written whole")
{
  const std::string summary = render_step_summary("scan-gate", huge_denial(2, 10, 3, 10));
  CHECK(summary.rfind("### relgate scan-gate: DENY\n\n- reason 0 rrrrrrrrrr\n- reason 1 rrrrrrrrrr\n\n", 0) == 0);
  CHECK(count(summary, "| **fail** |") == 3);
  CHECK(summary.find("left out") == std::string::npos);
  CHECK(summary.find("cut:") == std::string::npos);
}

TEST_CASE("step summary: bounded, the decision and reasons first, then the rows that fit and how many did not")
{
  // 400 checks of 2 KiB (800 KiB of table): every row, its detail cut to an equal share.
  const std::string table = render_step_summary("scan-gate", huge_denial(2, 10, 400, 2048));
  CHECK(table.size() <= step_summary_limit);
  CHECK(table.rfind("### relgate scan-gate: DENY\n\n- reason 0 rrrrrrrrrr\n- reason 1 rrrrrrrrrr\n\n", 0) == 0);
  CHECK(count(table, "| **fail** |") == 400);
  CHECK(count(table, " (cut at the summary's 512 KiB bound) |\n") == 400);
  CHECK(table.find("left out") == std::string::npos);

  // 20,000 checks: the first rows whole (1 KiB share at least), then how many were left out.
  const std::string rows_cut = render_step_summary("scan-gate", huge_denial(2, 10, 20000, 900));
  CHECK(rows_cut.size() <= step_summary_limit);
  const std::size_t rows = count(rows_cut, "| **fail** |");
  CHECK(rows > 400);
  CHECK(rows < 20000);
  CHECK(rows_cut.find("| check 0 | **fail** | " + std::string(900, 'm') + " |\n") != std::string::npos);
  CHECK(rows_cut.find("\n" + std::to_string(20000 - rows) +
                      " of 20000 check row(s) left out: the summary is bounded at 512 KiB") != std::string::npos);

  // Reasons of 300 KiB each (and '@' that escapes sevenfold): the second one is cut, the rest counted.
  StepOutcome reasons = huge_denial(5, 300 * 1024, 10, 10);
  reasons.reasons[1] = std::string(200 * 1024, '@') + "a@b";
  const std::string cut = render_step_summary("scan-gate", reasons);
  CHECK(cut.size() <= step_summary_limit);
  CHECK(cut.rfind("### relgate scan-gate: DENY\n\n- reason 0 ", 0) == 0);
  CHECK(count(cut, "(cut: the summary is bounded at 512 KiB; the job log has it whole)\n") == 1);
  CHECK(cut.find("- 3 more reason(s) left out") != std::string::npos);
  CHECK(count(cut, "| **fail** |") == 10); // the table still gets its quarter
  CHECK(cut.find("left out: the summary") != std::string::npos);

  // A small limit still keeps the decision line.
  const std::string tiny = render_step_summary("scan-gate", huge_denial(3, 1000, 3, 1000), 600);
  CHECK(tiny.rfind("### relgate scan-gate: DENY\n\n", 0) == 0);
  CHECK(tiny.find("3 more reason(s) left out") != std::string::npos);
}

TEST_CASE("step summary: the budget counts what the file holds already")
{
  // GitHub drops the whole file over 1 MiB; relgate keeps 64 KiB of headroom below it.
  constexpr std::size_t file_limit = 1024 * 1024 - 64 * 1024;
  CHECK(step_summary_budget(0) == step_summary_limit);
  CHECK(step_summary_budget(480231) == file_limit - 480231);
  CHECK(step_summary_budget(file_limit - 10) == 10);
  CHECK(step_summary_budget(file_limit) == 0);
  CHECK(step_summary_budget(2 * 1024 * 1024) == 0);
}

TEST_CASE("step summary: three runs appending to one file stay under GitHub's 1 MiB")
{
  // The red team's three scan-gate runs in one step: 480,231 bytes each made 1,440,693 bytes.
  const StepOutcome outcome = huge_denial(3, 100000, 11, 50000);
  std::string file;
  std::size_t written = 0;
  for (int run = 0; run < 3; ++run) {
    const std::string markdown = fit_step_summary("scan-gate", outcome, step_summary_budget(file.size()));
    CHECK(markdown.size() <= step_summary_budget(file.size()));
    written += markdown.empty() ? 0 : 1;
    file += markdown;
  }
  CHECK(file.size() <= 1024 * 1024 - 64 * 1024);
  CHECK(written >= 2);
  CHECK(count(file, "### relgate scan-gate: DENY") == written);
}

TEST_CASE("step summary: a small budget keeps the decision line, a tinier one writes nothing")
{
  const StepOutcome outcome = huge_denial(3, 100000, 11, 50000);
  const std::string heading = "### relgate scan-gate: DENY\n\n";
  const std::string decision_only = fit_step_summary("scan-gate", outcome, heading.size() + 100);
  CHECK(decision_only.rfind(heading, 0) == 0);
  CHECK(decision_only.size() <= heading.size() + 100);
  CHECK(fit_step_summary("scan-gate", outcome, heading.size()) == heading);
  CHECK(fit_step_summary("scan-gate", outcome, heading.size() - 1).empty());
  CHECK(fit_step_summary("scan-gate", outcome, 0).empty());
}
