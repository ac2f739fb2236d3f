// How a scan-gate run is shown: the text count table, the JSON summary (also the evidence
// record's summary), SARIF for GitHub code scanning and JUnit XML for GitLab.
#pragma once

#include "json.hpp"
#include "scan_run.hpp"

#include <string>

namespace relgate::scan {

constexpr std::size_t text_finding_cap = 20;

// The table (found / suppressed / counted / limit per severity) and the denying findings,
// capped with a "+N more" line.
std::string render_text_details(const ScanRun& run, std::size_t cap = text_finding_cap);

// Counts, inputs, KEV/EPSS versions and every denying finding.
JsonDocument build_summary(const ScanRun& run);

// SARIF 2.1.0 with one result per denying finding (rules carry security-severity for GitHub).
std::string render_sarif(const ScanRun& run, const std::string& tool_version);

// JUnit XML: one testcase per policy check; failures list the denying findings.
std::string render_junit(const ScanRun& run);

} // namespace relgate::scan
