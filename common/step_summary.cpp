#include "step_summary.hpp"

#include "decision.hpp"
#include "markdown_escape.hpp"

#include <string_view>

namespace relgate
{

namespace
{

// Room kept for the lines that say what was left out.
constexpr std::size_t note_reserve = 512;

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
  return std::to_string(limit / 1024) + " KiB";
}

std::string check_row(const CheckResult &check)
{
  return "| " + escape_markdown(check.name) + " | " +
         (check.passed         ? "pass"
          : check.inconclusive ? "**inconclusive**"
                               : "**fail**") +
         " | " + escape_markdown(check.message) + " |\n";
}

} // namespace

std::string render_step_summary(const std::string &step, const StepOutcome &outcome, std::size_t limit)
{
  std::string markdown = "### relgate " + step + ": " + std::string(decision_name(outcome.decision)) + "\n\n";
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
      for (const auto &check : outcome.checks) {
        const std::string row = check_row(check);
        if (markdown.size() + row.size() > body_limit)
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
