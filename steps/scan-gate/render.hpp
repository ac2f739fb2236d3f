// How a scan-gate run is shown: the text count table, the JSON summary (also the evidence
// record's summary), SARIF for GitHub code scanning and JUnit XML for GitLab.
#pragma once

#include "json.hpp"
#include "scan_run.hpp"

#include <string>

namespace relgate::scan
{

constexpr std::size_t text_finding_cap = 20;

// The table (found / suppressed / counted / limit per severity) and the denying findings,
// capped with a "+N more" line.
std::string render_text_details(const ScanRun &run, std::size_t cap = text_finding_cap);

// The evidence record's summary: counts, inputs, KEV/EPSS versions, and the first
// `evidence_list_cap` denying and suppressed findings (exact totals beside them).
constexpr std::size_t evidence_list_cap = 200;
JsonDocument build_summary(const ScanRun &run);

// --format json: {step, decision, reasons, summary, checks} like every step, but written
// straight from the run with every denying finding (no document in memory).
// evidence_note / evidence_head: the members every step's json has once a record was appended
// (left out when empty).
std::string render_json_output(const ScanRun &run, std::string_view decision, const std::vector<std::string> &reasons,
                               const std::string &evidence_note, const std::string &evidence_head);

// SARIF 2.1.0 with one result per denying finding (rules carry security-severity for GitHub).
std::string render_sarif(const ScanRun &run, const std::string &tool_version);

// JUnit XML comes from common/ci_outputs' render_junit (one testcase per policy check); this is
// the failure body of each check (evaluation.checks order): the denying findings behind it.
std::vector<std::string> junit_failure_details(const ScanRun &run);

} // namespace relgate::scan
