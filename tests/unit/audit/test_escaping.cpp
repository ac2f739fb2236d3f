#include "markdown_writer.hpp"
#include "prom_writer.hpp"
#include "release_summary.hpp"
#include "report_formats.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>

using namespace relgate;
using namespace relgate::audit;

namespace
{
const std::string hostile = "a | b\nc </script><!-- \"q\" \\ `x` [l](javascript:1) <b>&";
}

TEST_CASE("markdown cells: no pipe, newline, HTML or markup survives")
{
  const std::string cell = escape_markdown(hostile);
  CHECK(cell.find('\n') == std::string::npos);
  CHECK(cell.find('<') == cell.find("<br>")); // the only tag is the line break relgate adds
  CHECK(cell.find("</script>") == std::string::npos);
  CHECK(cell.find("\\|") != std::string::npos);
  for (std::size_t i = 0; i < cell.size(); ++i) {
    if (cell[i] == '|')
      CHECK((i > 0 && cell[i - 1] == '\\'));
  }
  CHECK(cell.find("&lt;/script&gt;") != std::string::npos);
  CHECK(cell.find("&quot;q&quot;") != std::string::npos);
  CHECK(cell.find("\\\\") != std::string::npos); // a backslash cannot escape the next character
  CHECK(cell.find("\\[l\\]") != std::string::npos);
  CHECK(cell.find("\\`x\\`") != std::string::npos);
  CHECK(escape_markdown_cell("") == "–");
  CHECK(escape_markdown("").empty());
  CHECK(escape_markdown("tab\there\r\nx") == "tabhere<br>x");
}

TEST_CASE("markdown table: one row per record, as many cells as columns")
{
  MarkdownWriter md;
  md.table({"A", "B"}, {{hostile, "x|y"}, {"only one"}});
  const std::string text = md.str();
  std::size_t lines = 0, start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty())
      continue;
    ++lines;
    std::size_t bars = 0;
    for (std::size_t i = 0; i < line.size(); ++i)
      bars += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    CHECK(bars == 3);
  }
  CHECK(lines == 4); // header, rule, two rows
}

TEST_CASE("prometheus: label values and help escaped, families declared once")
{
  CHECK(escape_prom_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
  CHECK(escape_prom_help("x\\y\nz \"q\"") == "x\\\\y\\nz \"q\"");
  CHECK(format_prom_number(std::numeric_limits<double>::quiet_NaN()) == "NaN");
  CHECK(format_prom_number(INFINITY) == "+Inf");
  CHECK(format_prom_number(-INFINITY) == "-Inf");
  CHECK(format_prom_number(0.1) == "0.1");
  CHECK(format_prom_number(3) == "3");
  CHECK(format_prom_number(1.0 / 3) == "0.3333333333333333");

  PromWriter prom;
  REQUIRE(prom.family("relgate_x_total", "counter", "help \\ with\nnewline"));
  REQUIRE(prom.sample("relgate_x_total", {{"gate", hostile}}, 2));
  CHECK(!prom.sample("relgate_x_total", {{"gate", hostile}}, 3)); // duplicate series
  CHECK(!prom.sample("relgate_other", {}, 1));                    // outside its family
  CHECK(!prom.sample("relgate_x_total", {{"bad-name", "v"}}, 1)); // label name
  CHECK(!prom.family("relgate_x_total", "counter", "again"));     // declared twice
  CHECK(!prom.family("9bad", "gauge", "name"));
  REQUIRE(prom.family("relgate_d_seconds", "summary", "d"));
  CHECK(prom.sample("relgate_d_seconds", {{"quantile", "0.5"}}, 1));
  CHECK(prom.sample("relgate_d_seconds_sum", {}, 1));
  CHECK(prom.sample("relgate_d_seconds_count", {}, 1));
  CHECK(!prom.sample("relgate_d_seconds_bucket", {{"le", "1"}}, 1)); // not a histogram
  const std::string text = prom.str();
  CHECK(text.find("# HELP relgate_x_total help \\\\ with\\nnewline\n") != std::string::npos);
  CHECK(text.find("relgate_x_total{gate=\"a | b\\nc </script><!-- \\\"q\\\" \\\\ `x` [l](javascript:1) <b>&\"} 2\n") !=
        std::string::npos);
  CHECK(text.back() == '\n');
}

TEST_CASE("html: the data block cannot be closed or commented out by data")
{
  const std::string json = "{\"r\":\"</script><!--<script>\\u2028 & \xe2\x80\xa8 \xe2\x80\xa9 >\"}";
  const std::string safe = escape_json_for_script(json);
  CHECK(safe.find('<') == std::string::npos);
  CHECK(safe.find('>') == std::string::npos);
  CHECK(safe.find('&') == std::string::npos);
  CHECK(safe.find("\xe2\x80\xa8") == std::string::npos);
  CHECK(safe.find("\xe2\x80\xa9") == std::string::npos);
  CHECK(safe == "{\"r\":\"\\u003c/script\\u003e\\u003c!--\\u003cscript\\u003e\\u2028 \\u0026 \\u2028 \\u2029 "
                "\\u003e\"}");
}

TEST_CASE("summary text: control characters cannot drive a terminal or add lines")
{
  CHECK(terminal_safe("ok\x1b[31mred\n\x7f") == "ok\\x1b[31mred\\x0a\\x7f");
  CHECK(terminal_safe("\xc2\x9b"
                      "2J") == "\\x9b2J");
  CHECK(terminal_safe("µs ✓") == "µs ✓");
}
