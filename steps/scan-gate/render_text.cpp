#include "render.hpp"

#include "encoding.hpp"
#include "text_join.hpp"

#include <cstdio>

namespace relgate::scan
{

namespace
{

std::string pad_left(const std::string &text, std::size_t width)
{
  return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string pad_right(const std::string &text, std::size_t width)
{
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

} // namespace

std::string render_text_details(const ScanRun &run, std::size_t cap)
{
  const Evaluation &e = run.evaluation;
  std::string out;
  out += "  " + pad_right("severity", 11) + pad_left("found", 8) + pad_left("suppressed", 12) + pad_left("counted", 9) +
         pad_left("limit", 7) + "\n";
  for (Severity severity : all_severities) {
    const SeverityCount &c = e.counts[static_cast<std::size_t>(severity)];
    out += "  " + pad_right(std::string(severity_name(severity)), 11) + pad_left(std::to_string(c.found), 8) +
           pad_left(std::to_string(c.suppressed), 12) + pad_left(std::to_string(c.counted), 9) +
           pad_left(c.limit ? std::to_string(*c.limit) : "-", 7) + (c.over() ? "  over" : "") + "\n";
  }
  out += "  " + std::to_string(e.unique) + " unique finding(s) from " + std::to_string(run.findings.records_added()) +
         " record(s) in " + std::to_string(run.reports.size()) + " report(s)";
  if (run.policy.only_fixable)
    out += "; only fixable findings count";
  out += "\n";
  if (run.kev)
    out += "  KEV catalogue " + printable_line(run.kev->catalog_version) + ": " + std::to_string(e.kev_matches) +
           " match(es)\n";
  if (run.epss)
    out += "  EPSS model " + printable_line(run.epss->model_version) + ", scores of " +
           printable_line(run.epss->score_date) + "\n";
  for (const auto &report : run.reports) {
    if (report.unrecognised_severities) {
      out += "  note: " + printable_line(report.path) + ": " + std::to_string(report.unrecognised_severities) +
             " finding(s) with an unrecognised severity (first: '" +
             printable_line(report.first_unrecognised_severity) + "') counted as unknown\n";
    }
  }
  if (e.denying_total > 0) {
    out += "\nDenying findings (" + std::to_string(e.denying_total) + "):\n";
    std::size_t shown = 0;
    for (const auto &j : e.denying) {
      if (shown == cap)
        break;
      // Every text here is the report's: escaped, so none adds a line or a control sequence.
      const Finding &f = *j.finding;
      const std::string why = printable_line(join(j.why, "; "));
      out += "  " + pad_right(printable_line(f.id), 18) + " " + printable_line(f.package) +
             (f.version.empty() ? "" : " " + printable_line(f.version)) + " -> " +
             (f.fixed_version.empty() ? std::string("no fix") : printable_line(f.fixed_version)) + "  [" +
             std::string(severity_name(f.severity)) + "] " + why + "\n";
      ++shown;
    }
    if (e.denying_total > shown)
      out += "  +" + std::to_string(e.denying_total - shown) + " more (see --format json)\n";
  }
  return out;
}

} // namespace relgate::scan
