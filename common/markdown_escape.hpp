// The one Markdown escaper (GFM, as GitHub and GitLab render it): data written into a step summary
// or a report renders as the text it is: no table broken by '|' or a newline, no HTML, no link
// (bracketed or bare), image, emphasis or code span made from data.
#pragma once

#include <string>
#include <string_view>

namespace relgate
{

// Inline text and table cells: '\' '`' '*' '_' '[' ']' '|' '~' '#' '!' '$' backslash-escaped, '<' '>' '&' '"'
// as entities, newlines as <br>, other control characters dropped; bare "scheme://", "www." and
// "local@domain" are broken up so GFM's autolink extension does not make links of them.
std::string escape_markdown(std::string_view text);

} // namespace relgate
