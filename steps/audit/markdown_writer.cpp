#include "markdown_writer.hpp"

namespace relgate::audit
{
// Empty data shows as an en dash, so an empty table cell is not mistaken for a missing column.
std::string escape_markdown_cell(std::string_view text)
{
  return text.empty() ? std::string("–") : escape_markdown(text);
}

void MarkdownWriter::heading(int level, std::string_view text)
{
  m_text += std::string(static_cast<std::size_t>(level), '#') + " " + escape_markdown_cell(text) + "\n\n";
}

void MarkdownWriter::paragraph(std::string_view text)
{
  m_text += escape_markdown_cell(text) + "\n\n";
}

void MarkdownWriter::raw(std::string_view markdown)
{
  m_text += markdown;
}

void MarkdownWriter::bullet(std::string_view text)
{
  m_text += "- " + escape_markdown_cell(text) + "\n";
}

void MarkdownWriter::table(const std::vector<std::string> &header, const std::vector<std::vector<std::string>> &rows)
{
  auto line = [&](const std::vector<std::string> &cells) {
    std::string text = "|";
    for (std::size_t i = 0; i < header.size(); ++i)
      text += " " + escape_markdown_cell(i < cells.size() ? cells[i] : std::string()) + " |";
    m_text += text + "\n";
  };
  line(header);
  std::string rule = "|";
  for (std::size_t i = 0; i < header.size(); ++i)
    rule += " --- |";
  m_text += rule + "\n";
  for (const auto &row : rows)
    line(row);
  m_text += "\n";
}

} // namespace relgate::audit
