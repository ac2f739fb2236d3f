#include "audit_cli.hpp"

#include "audit_inputs.hpp"
#include "audit_report.hpp"
#include "cli_options.hpp"
#include "decision.hpp"
#include "file_io.hpp"
#include "release_summary.hpp"
#include "report_formats.hpp"
#include "time_util.hpp"
#include "version.hpp"

#include <ostream>

namespace relgate::audit
{
namespace
{

const char *const usage = "audit --repo GITOPS [--app NAME] [--env NAME] [--evidence FILE ...] [--history FILE ...] "
                          "--format summary|markdown|prom|json|html [--out FILE] [--now TIME]";

std::vector<OptionSpec> audit_options()
{
  return {
      value_option("repo", "PATH", "clone of the GitOps repository (its top folder); optional for summary"),
      value_option("app", "NAME", "only this application (relgate/<app>/ and the evidence files of its subject)"),
      value_option("env", "NAME", "only this environment (and the production environment for DORA; default prod)"),
      repeated_option("evidence", "FILE", "an evidence file (repeatable); summary takes exactly one"),
      repeated_option("history", "FILE", "an slo-check --history file (JSON Lines; repeatable)"),
      repeated_option("trusted-key", "PEM",
                      "every evidence record must be signed by one of these public keys (repeatable)"),
      repeated_option("key", "PEM", "same as --trusted-key"),
      value_option("format", "FORMAT", "summary, markdown, prom, json or html"),
      value_option("out", "FILE", "write the report to FILE (atomically) instead of stdout"),
      value_option("now", "TIME", "pin the clock to this RFC 3339 time (reports that must not change)"),
      flag_option("help", "show this help and exit"),
      flag_option("version", "show the version and exit"),
  };
}

void print_help(std::ostream &out)
{
  out << "Usage: " << usage << "\n\n"
      << "Reads what relgate recorded (the GitOps ledger and state, evidence files, slo-check health\n"
         "history) and reports it: a release summary, audit_report.md, gate SLIs and DORA metrics for\n"
         "Prometheus, the release console (one self-contained HTML page) or all of it as JSON\n"
         "(docs/audit.md). Every input is validated and every evidence chain verified. audit decides\n"
         "nothing and appends nothing.\n\nOptions:\n"
      << format_options_help(audit_options()) << "\nExit codes: 0 report written, 2 bad input (nothing written).\n";
}

Result<std::string> run(const ParsedArgs &args)
{
  RELGATE_TRY(refuse_clock_environment());
  if (auto now = args.value("now"))
    RELGATE_TRY(pin_clock(*now));
  const auto format = args.value("format");
  if (!format)
    return make_error("--format is required: summary, markdown, prom, json or html");
  if (*format != "summary" && *format != "markdown" && *format != "prom" && *format != "json" && *format != "html")
    return make_error("--format: expected summary, markdown, prom, json or html, got '" + *format + "'");

  InputOptions options;
  options.repo = args.value_or("repo", "");
  options.env = args.value_or("env", "");
  options.app = args.value_or("app", "");
  options.evidence_paths = args.values("evidence");
  options.history_paths = args.values("history");
  options.trusted_key_paths = args.values("trusted-key");
  for (const auto &key : args.values("key"))
    options.trusted_key_paths.push_back(key);
  if (*format == "summary") {
    if (options.evidence_paths.size() != 1)
      return make_error("--format summary reports one release: pass exactly one --evidence FILE (got " +
                        std::to_string(options.evidence_paths.size()) + ")");
  } else if (options.repo.empty()) {
    return make_error("--format " + *format + " needs --repo PATH (a clone of the GitOps repository)");
  }
  if (!args.positional.empty())
    return make_error("unexpected argument '" + args.positional.front() + "'");

  RELGATE_ASSIGN_OR_RETURN(AuditInputs inputs, load_audit_inputs(options, current_time()));
  const AuditReport report = build_report(inputs);
  if (*format == "summary" && report.releases.empty()) {
    return make_error("--evidence " + options.evidence_paths.front() + ": its release belongs to application '" +
                      evidence_app(inputs.evidence.front().file) + "', not --app " + options.app +
                      " (drop --app or pass that application's evidence)");
  }
  if (*format == "summary")
    return render_summary_text(report.releases.front());
  if (*format == "markdown")
    return render_markdown(report);
  if (*format == "prom")
    return render_prom(report);
  if (*format == "json")
    return render_json(report);
  return render_html(report);
}

} // namespace

int run_audit_cli(int argc, const char *const *argv, const StepIo &io)
{
  auto args = parse_command_line(argc, argv, audit_options());
  if (!args) {
    io.err << "audit: error: " << args.message() << "\n"
           << "usage: " << usage << "\n";
    return exit_error;
  }
  if (args->has("help")) {
    print_help(io.out);
    return exit_allow;
  }
  if (args->has("version")) {
    io.out << "audit (relgate) " << relgate_version() << "\n";
    return exit_allow;
  }
  auto rendered = run(*args);
  if (!rendered) {
    io.err << "audit: error: " << rendered.message() << "\n";
    return exit_error;
  }
  if (auto out = args->value("out")) {
    if (auto written = write_file_atomic(*out, *rendered); !written) {
      io.err << "audit: error: --out " << *out << ": " << written.message() << "\n";
      return exit_error;
    }
    return exit_allow;
  }
  io.out << *rendered << std::flush;
  return io.out ? exit_allow : exit_error;
}

} // namespace relgate::audit
