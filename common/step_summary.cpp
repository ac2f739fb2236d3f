#include "step_summary.hpp"

#include "decision.hpp"
#include "markdown_escape.hpp"

#include <algorithm>
#include <string_view>

namespace relgate
{

namespace
{

// Room kept for the lines that say what was left out.
constexpr std::size_t note_reserve = 512;
constexpr std::size_t min_row_share = 1024;

// The escaped form of the longest prefix of `text` (whole UTF-8 characters) that fits in `room`
// bytes. A shorter prefix never escapes longer, so the search may halve.
std::string escaped_prefix(std::string_view text, std::size_t room)
{
  std::size_t low = 0;
  std::size_t high = text.size();
  while (low < high) {
    const std::size_t middle = low + (high - low + 1) / 2;
    if (escape_markdown(text.substr(0, middle)).size() <= room) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  while (low > 0 && low < text.size() && (static_cast<unsigned char>(text[low]) & 0xc0U) == 0x80)
    --low;
  return escape_markdown(text.substr(0, low));
}

std::string size_words(std::size_t limit)
{
  return limit < 1024 ? std::to_string(limit) + " bytes" : std::to_string(limit / 1024) + " KiB";
}

std::string_view check_result(const CheckResult &check)
{
  return check.passed ? "pass" : check.inconclusive ? "**inconclusive**" : "**fail**";
}

// A table row in at most `room` bytes: whole, else with its detail cut (and saying so); empty
// when not even the name and result fit.
std::string check_row(const CheckResult &check, std::size_t room, std::size_t limit)
{
  const std::string head = "| " + escape_markdown(check.name) + " | " + std::string(check_result(check)) + " | ";
  std::string row = head + escape_markdown(check.message) + " |\n";
  if (row.size() <= room)
    return row;
  const std::string cut_note = " (cut at the summary's " + size_words(limit) + " bound) |\n";
  if (head.size() + cut_note.size() >= room)
    return "";
  return head + escaped_prefix(check.message, room - head.size() - cut_note.size()) + cut_note;
}

std::string decision_heading(const std::string &step, const StepOutcome &outcome)
{
  return "### relgate " + step + ": " + std::string(decision_name(outcome.decision)) + "\n\n";
}

} // namespace

std::size_t step_summary_budget(std::size_t current_size)
{
  const std::size_t file_limit = github_summary_cap - github_summary_headroom;
  return current_size >= file_limit ? 0 : std::min(step_summary_limit, file_limit - current_size);
}

std::string fit_step_summary(const std::string &step, const StepOutcome &outcome, std::size_t budget)
{
  std::string markdown = render_step_summary(step, outcome, budget);
  if (markdown.size() <= budget)
    return markdown;
  markdown = decision_heading(step, outcome) +
             "Reasons and checks left out: the summary file is near GitHub's 1 MiB; the job log has them.\n\n";
  if (markdown.size() <= budget)
    return markdown;
  markdown = decision_heading(step, outcome);
  return markdown.size() <= budget ? markdown : "";
}

std::string render_step_summary(const std::string &step, const StepOutcome &outcome, std::size_t limit)
{
  std::string markdown = decision_heading(step, outcome);
  const std::size_t body_limit = limit > markdown.size() + note_reserve ? limit - note_reserve : markdown.size();
  // Reasons say why: they may take three quarters, the table gets the rest.
  const std::size_t reasons_limit = markdown.size() + (body_limit - markdown.size()) / 4 * 3;

  if (!outcome.reasons.empty()) {
    std::size_t written = 0;
    for (const auto &reason : outcome.reasons) {
      std::string line = "- " + escape_markdown(reason) + "\n";
      if (markdown.size() + line.size() > reasons_limit) {
        const std::string cut_note =
            " (cut: the summary is bounded at " + size_words(limit) + "; the job log has it whole)";
        const std::size_t used = markdown.size() + 3 + cut_note.size();
        if (used < reasons_limit) {
          markdown += "- " + escaped_prefix(reason, reasons_limit - used) + cut_note + "\n";
          ++written;
        }
        break;
      }
      markdown += line;
      ++written;
    }
    if (written < outcome.reasons.size()) {
      markdown += "- " + std::to_string(outcome.reasons.size() - written) +
                  " more reason(s) left out: the summary is bounded at " + size_words(limit) +
                  "; the job log has them\n";
    }
    markdown += "\n";
  }

  if (!outcome.checks.empty()) {
    const std::string table_head = "| check | result | detail |\n|---|---|---|\n";
    std::size_t rows = 0;
    if (markdown.size() + table_head.size() <= body_limit) {
      markdown += table_head;
      // Each row may take an equal share of what is left (at least min_row_share), so every check
      // shows its result when the table is long but not huge; past that, the first rows.
      for (const auto &check : outcome.checks) {
        const std::size_t room = markdown.size() < body_limit ? body_limit - markdown.size() : 0;
        const std::size_t share = std::min(room, std::max(room / (outcome.checks.size() - rows), min_row_share));
        const std::string row = check_row(check, share, limit);
        if (row.empty())
          break;
        markdown += row;
        ++rows;
      }
    }
    if (rows < outcome.checks.size()) {
      markdown += "\n" + std::to_string(outcome.checks.size() - rows) + " of " + std::to_string(outcome.checks.size()) +
                  " check row(s) left out: the summary is bounded at " + size_words(limit) +
                  "; the job log and --format json have them\n";
    }
    markdown += "\n";
  }
  return markdown;
}

} // namespace relgate
