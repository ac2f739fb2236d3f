// One scan-gate run as a library call: read every report (streaming), merge, load VEX / KEV /
// EPSS, evaluate the policy. The step (scan_gate_step.cpp) and the tests both call run_scan.
#pragma once

#include "digest.hpp"
#include "epss.hpp"
#include "evaluation.hpp"
#include "finding_set.hpp"
#include "kev.hpp"
#include "report_reader.hpp"
#include "scan_policy.hpp"
#include "vex.hpp"

#include <optional>
#include <string>
#include <vector>

namespace relgate::scan
{

struct ScanOptions {
  std::vector<std::string> reports;
  std::optional<ReportFormat> forced_format;
  std::string policy_path;
  std::vector<std::string> vex_files;
  std::string kev_file;  // "" = none
  std::string epss_file; // "" = none
  TimePoint now{};
  // The release subject's digest (from --subject or the evidence file): every report must name
  // it, unless unbound_reports (--unbound-report: scans of things that are not images).
  std::optional<Digest> subject;
  bool unbound_reports = false;
  // How many denying and suppressed findings to keep in full (Evaluation::details).
  std::size_t detail_cap = all_details;
};

struct InputFile {
  std::string path;
  std::string sha256;
};

struct ScanRun {
  std::vector<ReportInfo> reports;
  FindingSet findings;
  ScanPolicy policy;
  VexSet vex;
  std::vector<InputFile> vex_inputs;
  std::optional<KevCatalog> kev;
  std::optional<InputFile> kev_input;
  std::optional<EpssScores> epss;
  std::optional<InputFile> epss_input;
  Evaluation evaluation;                      // points into findings: a ScanRun is moved, never copied
  std::optional<std::string> artifact_digest; // named by the reports (all agree), or the subject they name
  std::optional<Digest> subject;              // what the reports were bound to (or, unbound, checked against)
  bool unbound_reports = false;               // --unbound-report: recorded and printed loudly
};

Result<ScanRun> run_scan(const ScanOptions &options);

} // namespace relgate::scan
