#include "render.hpp"

#include "utf8.hpp"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace relgate::scan
{

namespace
{

// Report text is copied as the scanner wrote it; bytes that are not UTF-8 become U+FFFD, or JSON
// readers (parse_json on the evidence file included) refuse the whole output.
template <typename Writer> void write_text(Writer &w, std::string_view text)
{
  if (is_valid_utf8(text)) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    return;
  }
  const std::string valid = to_valid_utf8(text);
  w.String(valid.data(), static_cast<rapidjson::SizeType>(valid.size()));
}

template <typename Writer> void write_field(Writer &w, const char *key, std::string_view text)
{
  w.Key(key);
  write_text(w, text);
}

template <typename Writer> void write_count(Writer &w, const char *key, std::size_t value)
{
  w.Key(key);
  w.Uint64(value);
}

template <typename Writer> void write_strings(Writer &w, const char *key, const std::vector<std::string> &items)
{
  w.Key(key);
  w.StartArray();
  for (const auto &item : items)
    write_text(w, item);
  w.EndArray();
}

template <typename Writer> void write_finding(Writer &w, const JudgedFinding &j)
{
  const Finding &f = *j.finding;
  w.StartObject();
  write_field(w, "id", f.id);
  if (!f.aliases.empty())
    write_strings(w, "aliases", f.aliases);
  write_field(w, "kind", kind_name(f.kind));
  write_field(w, "package", f.package);
  write_field(w, "version", f.version);
  if (!f.purl.empty())
    write_field(w, "purl", f.purl);
  write_field(w, "fixed_version", f.fixed_version);
  write_field(w, "fix_state", fix_state_name(f.fix));
  write_field(w, "severity", severity_name(f.severity));
  if (f.cvss) {
    w.Key("cvss");
    w.Double(*f.cvss);
  }
  if (j.epss) {
    w.Key("epss");
    w.Double(*j.epss);
  }
  w.Key("kev");
  w.Bool(j.in_kev);
  w.Key("counted");
  w.Bool(j.counted);
  write_field(w, "target", f.target);
  write_count(w, "occurrences", f.occurrences);
  if (!j.why.empty())
    write_strings(w, "why", j.why);
  if (!j.suppressed_by.empty())
    write_field(w, "suppressed_by", j.suppressed_by);
  w.EndObject();
}

// The summary object. `list_cap` bounds the denying and suppressed lists (the evidence record
// stays small); the counts are always exact.
template <typename Writer> void write_summary(Writer &w, const ScanRun &run, std::size_t list_cap)
{
  const Evaluation &e = run.evaluation;
  w.StartObject();
  w.Key("reports");
  w.StartArray();
  for (const auto &report : run.reports) {
    w.StartObject();
    write_field(w, "path", report.path);
    write_field(w, "format", report_format_name(report.format));
    write_field(w, "scanner", report.scanner);
    write_field(w, "sha256", report.sha256);
    write_count(w, "bytes", report.bytes);
    write_count(w, "records", report.records);
    if (!report.artifact_name.empty())
      write_field(w, "artifact", report.artifact_name);
    if (report.artifact_digest)
      write_field(w, "artifact_digest", *report.artifact_digest);
    if (report.unrecognised_severities)
      write_count(w, "unrecognised_severities", report.unrecognised_severities);
    w.EndObject();
  }
  w.EndArray();

  w.Key("findings");
  w.StartObject();
  write_count(w, "records", run.findings.records_added());
  write_count(w, "unique", e.unique);
  write_count(w, "suppressed", e.suppressed_total);
  write_count(w, "counted", e.counted_total);
  write_count(w, "denying", e.denying_total);
  w.EndObject();

  w.Key("counts");
  w.StartObject();
  for (Severity severity : all_severities) {
    const SeverityCount &c = e.counts[static_cast<std::size_t>(severity)];
    w.Key(std::string(severity_name(severity)).c_str());
    w.StartObject();
    write_count(w, "found", c.found);
    write_count(w, "suppressed", c.suppressed);
    write_count(w, "counted", c.counted);
    w.Key("limit");
    if (c.limit) {
      w.Int64(*c.limit);
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndObject();
  w.Key("only_fixable");
  w.Bool(run.policy.only_fixable);

  if (run.kev) {
    w.Key("kev");
    w.StartObject();
    write_field(w, "catalog_version", run.kev->catalog_version);
    write_field(w, "date_released", run.kev->date_released);
    write_count(w, "entries", run.kev->count);
    write_count(w, "matches", e.kev_matches);
    w.EndObject();
  }
  if (run.epss) {
    w.Key("epss");
    w.StartObject();
    write_field(w, "model_version", run.epss->model_version);
    write_field(w, "score_date", run.epss->score_date);
    write_count(w, "rows", run.epss->rows);
    w.EndObject();
  }
  if (!run.vex_inputs.empty()) {
    w.Key("vex");
    w.StartObject();
    write_count(w, "files", run.vex_inputs.size());
    write_count(w, "statements", run.vex.statement_count());
    write_count(w, "statements_without_products", run.vex.ignored_without_products());
    w.EndObject();
  }
  if (run.artifact_digest)
    write_field(w, "artifact_digest", *run.artifact_digest);
  if (run.subject) {
    write_field(w, "subject_digest", run.subject->str());
    w.Key("bound_to_subject");
    w.Bool(!run.unbound_reports);
  }
  if (run.unbound_reports) {
    w.Key("unbound_report");
    w.Bool(true);
  }

  w.Key("denying");
  w.StartArray();
  for (std::size_t i = 0; i < e.denying.size() && i < list_cap; ++i)
    write_finding(w, e.denying[i]);
  w.EndArray();
  w.Key("suppressed");
  w.StartArray();
  for (std::size_t i = 0; i < e.suppressed.size() && i < list_cap; ++i)
    write_finding(w, e.suppressed[i]);
  w.EndArray();
  if (e.denying_total > list_cap || e.suppressed_total > list_cap) {
    write_count(w, "lists_capped_at", list_cap);
  }
  w.EndObject();
}

} // namespace

JsonDocument build_summary(const ScanRun &run)
{
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  write_summary(writer, run, evidence_list_cap);
  JsonDocument summary;
  summary.Parse(buffer.GetString(), buffer.GetSize());
  return summary;
}

// RapidJSON output stream straight into a std::string: one buffer, reserved up front.
struct StringOutput {
  using Ch = char;
  std::string &text;
  void Put(char c) { text.push_back(c); }
  void Flush() {}
};

std::string render_json_output(const ScanRun &run, std::string_view decision, const std::vector<std::string> &reasons,
                               const std::string &evidence_note, const std::string &evidence_head)
{
  std::string text;
  text.reserve(16384 + (run.evaluation.denying.size() + run.evaluation.suppressed.size()) * 800);
  StringOutput output{text};
  rapidjson::PrettyWriter<StringOutput> w(output);
  w.SetIndent(' ', 2);
  w.StartObject();
  write_field(w, "step", "scan-gate");
  write_field(w, "decision", decision);
  write_strings(w, "reasons", reasons);
  w.Key("summary");
  write_summary(w, run, static_cast<std::size_t>(-1));
  w.Key("checks");
  w.StartArray();
  for (const auto &check : run.evaluation.checks) {
    w.StartObject();
    write_field(w, "name", check.name);
    w.Key("passed");
    w.Bool(check.passed);
    write_field(w, "message", check.message);
    w.EndObject();
  }
  w.EndArray();
  if (!evidence_note.empty())
    write_field(w, "evidence", evidence_note);
  if (!evidence_head.empty())
    write_field(w, "evidence_head", evidence_head);
  w.EndObject();
  text += '\n';
  return text;
}

} // namespace relgate::scan
