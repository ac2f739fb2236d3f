#include "scan_gate_step.hpp"

#include "ci_outputs.hpp"
#include "evidence.hpp"
#include "file_io.hpp"
#include "render.hpp"
#include "version.hpp"

namespace relgate::scan
{

StepSpec scan_gate_spec()
{
  StepSpec spec;
  spec.name = "scan-gate";
  spec.usage = "scan-gate --report FILE [--report FILE ...] [--policy FILE] [--vex FILE ...] [--kev FILE] "
               "[--epss FILE] [--format text|json|sarif|junit]";
  spec.description = "Vulnerability policy over scanner reports: Trivy JSON, Grype JSON, SARIF 2.1.0 and CycloneDX, "
                     "detected automatically and merged (a vulnerability in a package version counts once). VEX "
                     "(OpenVEX, CycloneDX) suppresses; the CISA KEV catalogue and FIRST EPSS scores feed deny rules. "
                     "The policy (TOML, version = 1) sets [max] counts per severity and more: see docs/scan-gate.md.";
  spec.options = {
      repeated_option("report", "FILE", "scanner report (repeatable): Trivy, Grype, SARIF or CycloneDX JSON"),
      value_option("input-format", "FORMAT", "report format: auto, trivy, grype, sarif, cyclonedx", "auto"),
      repeated_option("vex", "FILE", "VEX document (repeatable): OpenVEX or CycloneDX VEX"),
      value_option("kev", "FILE", "CISA KEV catalogue JSON (known_exploited_vulnerabilities.json)"),
      value_option("epss", "FILE", "FIRST EPSS scores CSV (decompressed)"),
      flag_option("unbound-report", "the reports scan something that is not an image (a repository, a directory): do "
                                    "not require them to name the subject's digest (recorded in the evidence)"),
  };
  spec.extra_formats = {"sarif", "junit"};
  spec.default_policy = "scan.toml";
  spec.run = run_scan_gate;
  return spec;
}

StepOutcome outcome_from_run(const std::shared_ptr<const ScanRun> &shared_run, const std::string &format)
{
  const ScanRun &run = *shared_run;
  StepOutcome outcome;
  const Evaluation &e = run.evaluation;
  outcome.decision = e.allowed() ? Decision::allow : Decision::deny;
  outcome.reasons = e.reasons;
  outcome.summary = build_summary(run);
  outcome.checks = e.checks;
  outcome.policy = PolicyRef{run.policy.path, run.policy.sha256, run.policy.version};
  for (const auto &report : run.reports)
    outcome.inputs.push_back(FileRef{report.path, report.sha256});
  for (const auto &vex : run.vex_inputs)
    outcome.inputs.push_back(FileRef{vex.path, vex.sha256});
  if (run.kev_input)
    outcome.inputs.push_back(FileRef{run.kev_input->path, run.kev_input->sha256});
  if (run.epss_input)
    outcome.inputs.push_back(FileRef{run.epss_input->path, run.epss_input->sha256});
  if (run.artifact_digest) {
    auto digest = parse_digest(*run.artifact_digest);
    if (digest)
      outcome.judged_digest = *digest;
  }
  for (Severity severity : all_severities) {
    const SeverityCount &c = e.counts[static_cast<std::size_t>(severity)];
    outcome.outputs.emplace_back(std::string(severity_name(severity)) + "_counted", std::to_string(c.counted));
  }
  outcome.outputs.emplace_back("denying", std::to_string(e.denying_total));
  if (run.kev)
    outcome.outputs.emplace_back("kev_catalog_version", run.kev->catalog_version);
  outcome.text_details = render_text_details(run);
  if (run.unbound_reports) {
    // Loud on purpose: this record says nothing about the image's own packages.
    outcome.text_details = "WARNING: --unbound-report: the reports are not bound to " +
                           (run.subject ? "the subject " + run.subject->str() : std::string("any image digest")) +
                           "; this decision does not show that the image itself was scanned.\n" + outcome.text_details;
  }
  if (format == "json") {
    outcome.json_rendering = [shared_run, decision = outcome.decision, reasons = outcome.reasons](
                                 const std::string &evidence_note, const std::string &evidence_head) {
      return render_json_output(*shared_run, decision_name(decision), reasons, evidence_note, evidence_head);
    };
  }
  if (format == "sarif")
    outcome.custom_rendering = render_sarif(run, std::string(relgate_version()));
  if (format == "junit")
    outcome.custom_rendering = render_junit("scan-gate", outcome, junit_failure_details(run));
  return outcome;
}

namespace
{

// The digest the reports must name: --subject, else the subject of an existing evidence file
// (the record will be appended there, so it must be about that image).
Result<std::optional<Digest>> subject_to_bind(const CommonOptions &common)
{
  if (common.subject)
    return std::optional<Digest>{common.subject->digest};
  if (!common.evidence_path.empty() && file_exists(common.evidence_path)) {
    RELGATE_ASSIGN_OR_RETURN(EvidenceFile evidence, load_evidence(common.evidence_path));
    return std::optional<Digest>{evidence.subject.digest};
  }
  return std::optional<Digest>{};
}

} // namespace

Result<StepOutcome> run_scan_gate(StepContext &context)
{
  ScanOptions options;
  options.reports = context.args.values("report");
  if (options.reports.empty()) {
    return make_error("--report is required: pass one or more scanner reports (Trivy, Grype, SARIF, CycloneDX JSON)");
  }
  RELGATE_ASSIGN_OR_RETURN(options.forced_format, parse_report_format(context.args.value_or("input-format", "auto")));
  options.policy_path = context.common.policy_path; // never empty: the spec names a default policy
  options.vex_files = context.args.values("vex");
  options.kev_file = context.args.value_or("kev", "");
  options.epss_file = context.args.value_or("epss", "");
  options.now = current_time();
  options.unbound_reports = context.args.has("unbound-report");
  // Text (and the evidence record) print a bounded number of findings; the other formats all.
  const std::string &format = context.common.format;
  options.detail_cap = (format == "json" || format == "sarif" || format == "junit") ? all_details : evidence_list_cap;
  RELGATE_ASSIGN_OR_RETURN(options.subject, subject_to_bind(context.common));
  RELGATE_ASSIGN_OR_RETURN(ScanRun run, run_scan(options));
  if (run.unbound_reports) {
    context.io.err << "scan-gate: WARNING: --unbound-report: the reports are not bound to "
                   << (run.subject ? "the subject " + run.subject->str() : std::string("any image digest"))
                   << "; the evidence record says so (summary.unbound_report)\n";
  }
  return outcome_from_run(std::make_shared<const ScanRun>(std::move(run)), context.common.format);
}

} // namespace relgate::scan
