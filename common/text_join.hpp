// One way to join text: every "a, b, c" relgate prints goes through join(), so nobody hand-writes
// the "separator before every part but the first" loop again (issue 12 found ~25 of them).
// Header-only and light: <string>, <string_view>, <utility> and <iterator> only.
#pragma once

#include <iterator>
#include <string>
#include <string_view>
#include <utility>

namespace relgate
{

// Joins every element of `parts` (any range whose elements convert to std::string_view:
// std::string, const char *, std::string_view) with `separator` between neighbours.
// An empty range gives "", a range of one element gives that element.
template <typename Range> std::string join(const Range &parts, std::string_view separator)
{
  std::string out;
  bool first = true;
  for (const auto &part : parts) {
    if (!first)
      out.append(separator);
    first = false;
    out.append(std::string_view(part));
  }
  return out;
}

// Joins the text `project(element)` gives for each element, for ranges of records:
// join(findings, ", ", [](const Finding &f) { return f.id; }). The projection may return
// anything that converts to std::string_view (a std::string temporary is fine: it is appended
// before it dies).
template <typename Range, typename Projection>
std::string join(const Range &parts, std::string_view separator, Projection &&project)
{
  std::string out;
  bool first = true;
  for (const auto &part : parts) {
    if (!first)
      out.append(separator);
    first = false;
    const auto &text = project(part);
    out.append(std::string_view(text));
  }
  return out;
}

} // namespace relgate
