// The one way audit writes Markdown: every piece of data goes through escape_markdown, so a
// recorded reason, actor or path renders as the text it is on GitHub and GitLab (GFM): no table
// broken by '|' or a newline, no HTML, no link, emphasis or code span made from data.
#pragma once

#include "markdown_escape.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace relgate::audit
{

// common's escape_markdown, with empty text as an en dash (a visible empty cell).
std::string escape_markdown_cell(std::string_view text);

class MarkdownWriter
{
public:
  void heading(int level, std::string_view text); // text is data: escaped
  void paragraph(std::string_view text);          // escaped
  void raw(std::string_view markdown);            // relgate's own markup only, never data
  void bullet(std::string_view text);             // escaped
  // A GFM table; every cell escaped. Rows shorter than the header are padded.
  void table(const std::vector<std::string> &header, const std::vector<std::vector<std::string>> &rows);
  const std::string &str() const { return m_text; }

private:
  std::string m_text;
};

} // namespace relgate::audit
