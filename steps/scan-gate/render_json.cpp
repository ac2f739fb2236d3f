#include "render.hpp"
#include <utility>

namespace relgate::scan {

namespace {

constexpr std::size_t suppressed_listed = 1000; // the evidence stays readable; the count is exact

JsonValue finding_json(const JudgedFinding& j, JsonAllocator& a)
{
  const Finding& f = *j.finding;
  JsonValue object(rapidjson::kObjectType);
  set_member(object, "id", f.id, a);
  if (!f.aliases.empty()) set_member(object, "aliases", json_string_array(f.aliases, a), a);
  set_member(object, "kind", kind_name(f.kind), a);
  set_member(object, "package", f.package, a);
  set_member(object, "version", f.version, a);
  if (!f.purl.empty()) set_member(object, "purl", f.purl, a);
  set_member(object, "fixed_version", f.fixed_version, a);
  set_member(object, "fix_state", fix_state_name(f.fix), a);
  set_member(object, "severity", severity_name(f.severity), a);
  if (f.cvss) set_member(object, "cvss", JsonValue(*f.cvss), a);
  if (j.epss) set_member(object, "epss", JsonValue(*j.epss), a);
  set_member(object, "kev", JsonValue(j.in_kev), a);
  set_member(object, "counted", JsonValue(j.counted), a);
  set_member(object, "target", f.target, a);
  set_member(object, "occurrences", JsonValue(static_cast<uint64_t>(f.occurrences)), a);
  if (!j.why.empty()) set_member(object, "why", json_string_array(j.why, a), a);
  if (!j.suppressed_by.empty()) set_member(object, "suppressed_by", j.suppressed_by, a);
  return object;
}

} // namespace

JsonDocument build_summary(const ScanRun& run)
{
  const Evaluation& e = run.evaluation;
  JsonDocument summary = empty_object();
  JsonAllocator& a = summary.GetAllocator();

  JsonValue reports(rapidjson::kArrayType);
  for (const auto& report : run.reports) {
    JsonValue r(rapidjson::kObjectType);
    set_member(r, "path", report.path, a);
    set_member(r, "format", report_format_name(report.format), a);
    set_member(r, "scanner", report.scanner, a);
    set_member(r, "sha256", report.sha256, a);
    set_member(r, "bytes", JsonValue(static_cast<uint64_t>(report.bytes)), a);
    set_member(r, "records", JsonValue(static_cast<uint64_t>(report.records)), a);
    if (!report.artifact_name.empty()) set_member(r, "artifact", report.artifact_name, a);
    if (report.artifact_digest) set_member(r, "artifact_digest", *report.artifact_digest, a);
    if (report.unrecognised_severities) {
      set_member(r, "unrecognised_severities", JsonValue(static_cast<uint64_t>(report.unrecognised_severities)), a);
    }
    reports.PushBack(r, a);
  }
  set_member(summary, "reports", std::move(reports), a);

  JsonValue totals(rapidjson::kObjectType);
  set_member(totals, "records", JsonValue(static_cast<uint64_t>(run.findings.records_added())), a);
  set_member(totals, "unique", JsonValue(static_cast<uint64_t>(e.unique)), a);
  set_member(totals, "suppressed", JsonValue(static_cast<uint64_t>(e.suppressed_total)), a);
  set_member(totals, "counted", JsonValue(static_cast<uint64_t>(e.counted_total)), a);
  set_member(totals, "denying", JsonValue(static_cast<uint64_t>(e.denying.size())), a);
  set_member(summary, "findings", std::move(totals), a);

  JsonValue counts(rapidjson::kObjectType);
  for (Severity severity : all_severities) {
    const SeverityCount& c = e.counts[static_cast<std::size_t>(severity)];
    JsonValue row(rapidjson::kObjectType);
    set_member(row, "found", JsonValue(static_cast<uint64_t>(c.found)), a);
    set_member(row, "suppressed", JsonValue(static_cast<uint64_t>(c.suppressed)), a);
    set_member(row, "counted", JsonValue(static_cast<uint64_t>(c.counted)), a);
    set_member(row, "limit", c.limit ? JsonValue(static_cast<int64_t>(*c.limit)) : JsonValue(rapidjson::kNullType), a);
    set_member(counts, severity_name(severity), std::move(row), a);
  }
  set_member(summary, "counts", std::move(counts), a);
  set_member(summary, "only_fixable", JsonValue(run.policy.only_fixable), a);

  if (run.kev) {
    JsonValue kev(rapidjson::kObjectType);
    set_member(kev, "catalog_version", run.kev->catalog_version, a);
    set_member(kev, "date_released", run.kev->date_released, a);
    set_member(kev, "entries", JsonValue(static_cast<uint64_t>(run.kev->count)), a);
    set_member(kev, "matches", JsonValue(static_cast<uint64_t>(e.kev_matches)), a);
    set_member(summary, "kev", std::move(kev), a);
  }
  if (run.epss) {
    JsonValue epss(rapidjson::kObjectType);
    set_member(epss, "model_version", run.epss->model_version, a);
    set_member(epss, "score_date", run.epss->score_date, a);
    set_member(epss, "rows", JsonValue(static_cast<uint64_t>(run.epss->rows)), a);
    set_member(summary, "epss", std::move(epss), a);
  }
  if (!run.vex_inputs.empty()) {
    JsonValue vex(rapidjson::kObjectType);
    set_member(vex, "files", JsonValue(static_cast<uint64_t>(run.vex_inputs.size())), a);
    set_member(vex, "statements", JsonValue(static_cast<uint64_t>(run.vex.statement_count())), a);
    set_member(vex, "statements_without_products", JsonValue(static_cast<uint64_t>(run.vex.ignored_without_products())), a);
    set_member(summary, "vex", std::move(vex), a);
  }
  if (run.artifact_digest) set_member(summary, "artifact_digest", *run.artifact_digest, a);

  JsonValue denying(rapidjson::kArrayType);
  for (const auto& j : e.denying) denying.PushBack(finding_json(j, a), a);
  set_member(summary, "denying", std::move(denying), a);

  JsonValue suppressed(rapidjson::kArrayType);
  for (std::size_t i = 0; i < e.suppressed.size() && i < suppressed_listed; ++i) {
    suppressed.PushBack(finding_json(e.suppressed[i], a), a);
  }
  set_member(summary, "suppressed", std::move(suppressed), a);
  return summary;
}

} // namespace relgate::scan
