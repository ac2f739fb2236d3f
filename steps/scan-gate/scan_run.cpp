#include "scan_run.hpp"

#include "digest.hpp"
#include "file_io.hpp"

#include <unordered_set>

namespace relgate::scan
{

Result<ScanRun> run_scan(const ScanOptions &options)
{
  if (options.reports.empty()) {
    return make_error("no report given: pass --report FILE (Trivy, Grype, SARIF or CycloneDX JSON)");
  }
  ScanRun run;
  run.subject = options.subject;
  run.unbound_reports = options.unbound_reports;
  RELGATE_ASSIGN_OR_RETURN(run.policy, load_scan_policy(options.policy_path));

  for (std::size_t i = 0; i < options.reports.size(); ++i) {
    const uint32_t index = static_cast<uint32_t>(i);
    const FindingSink sink([&run, index](const Finding &finding) { run.findings.add(finding, index); },
                           [&run](const Finding &finding) { run.findings.prefetch(finding); });
    RELGATE_ASSIGN_OR_RETURN(ReportInfo info, read_report_file(options.reports[i], options.forced_format, sink));
    const BoundReport bound{info.path, info.format, info.digest_claims};
    if (options.subject && options.unbound_reports) {
      RELGATE_TRY(check_unbound_report(bound, *options.subject));
    } else if (options.subject) {
      RELGATE_TRY(bind_report_to_subject(bound, *options.subject));
      info.artifact_digest = options.subject->str();
    }
    if (info.artifact_digest && !options.unbound_reports) {
      if (run.artifact_digest && *run.artifact_digest != *info.artifact_digest) {
        return make_error("the reports describe different artifacts: " + *run.artifact_digest + " and " +
                          *info.artifact_digest + " (" + info.path + "); gate one artifact per run");
      }
      run.artifact_digest = info.artifact_digest;
    }
    run.reports.push_back(std::move(info));
  }

  for (const auto &path : options.vex_files) {
    RELGATE_ASSIGN_OR_RETURN(std::string text, read_file(path));
    RELGATE_TRY(run.vex.add_document(text, path));
    run.vex_inputs.push_back(InputFile{path, sha256_hex(text)});
  }

  std::string kev_label = "CISA KEV";
  if (!options.kev_file.empty()) {
    RELGATE_ASSIGN_OR_RETURN(std::string text, read_file(options.kev_file));
    RELGATE_ASSIGN_OR_RETURN(run.kev, parse_kev(text, options.kev_file));
    run.kev_input = InputFile{options.kev_file, sha256_hex(text)};
    kev_label = "CISA KEV " + run.kev->catalog_version;
  }

  if (!options.epss_file.empty()) {
    // Only the CVEs of these findings are kept; the file has hundreds of thousands of rows.
    std::unordered_set<std::string> wanted;
    Finding finding;
    for (std::size_t i = 0; i < run.findings.size(); ++i) {
      run.findings.load(i, finding);
      if (finding.id.rfind("CVE-", 0) == 0)
        wanted.insert(finding.id);
      for (const auto &alias : finding.aliases) {
        if (alias.rfind("CVE-", 0) == 0)
          wanted.insert(alias);
      }
    }
    std::string sha;
    RELGATE_ASSIGN_OR_RETURN(run.epss, read_epss_file(options.epss_file, &wanted, &sha));
    run.epss_input = InputFile{options.epss_file, sha};
  }

  EvaluationInputs inputs;
  inputs.vex = &run.vex;
  inputs.kev = run.kev ? &*run.kev : nullptr;
  inputs.kev_label = kev_label;
  inputs.epss = run.epss ? &*run.epss : nullptr;
  inputs.now = options.now;
  run.evaluation = evaluate(run.findings, run.policy, inputs, options.detail_cap);
  return run;
}

} // namespace relgate::scan
