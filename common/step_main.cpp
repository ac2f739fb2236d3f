#include "step_main.hpp"

#include "ci_context.hpp"
#include "ci_log_guard.hpp"
#include "ci_outputs.hpp"
#include "encoding.hpp"
#include "env_name.hpp"
#include "exception_boundary.hpp"
#include "file_io.hpp"
#include "report_render.hpp"
#include "text_join.hpp"
#include "time_util.hpp"
#include "version.hpp"

#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace relgate
{

namespace
{

std::vector<OptionSpec> common_option_specs()
{
  return {
      flag_option("help", "show this help and exit"),
      flag_option("version", "show the version and exit"),
      value_option("format", "FORMAT", "output format: text or json", "text"),
      value_option("evidence", "FILE", "append the decision to this evidence file (the release contract)"),
      value_option("subject", "NAME@DIGEST", "the release subject; needed only to create the evidence file"),
      value_option("policy", "FILE", "policy file (TOML); default: the step's policy in share/relgate/policies"),
      value_option("env", "NAME", "environment the decision applies to (recorded in the evidence)"),
      value_option("stage", "N", "canary stage (percent) the decision applies to (recorded in the evidence)"),
      flag_option("no-color", "never colour the text output"),
      value_option("now", "TIME", "pin the clock to this RFC 3339 time (tests, drills); recorded in the evidence"),
  };
}

std::string executable_directory()
{
  char buffer[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0)
    return "";
  std::string path(buffer, static_cast<std::size_t>(n));
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

Result<CommonOptions> read_common_options(const StepSpec &spec, const ParsedArgs &args)
{
  CommonOptions common;
  common.format = args.value_or("format", "text");
  bool known_format = common.format == "text" || common.format == "json";
  for (const auto &extra : spec.extra_formats)
    known_format = known_format || common.format == extra;
  if (!known_format) {
    std::vector<std::string> formats{"text", "json"};
    formats.insert(formats.end(), spec.extra_formats.begin(), spec.extra_formats.end());
    return make_error("--format: unknown format '" + common.format + "' (expected " + join(formats, ", ") + ")");
  }
  common.evidence_path = args.value_or("evidence", "");
  if (const auto subject = args.value("subject")) {
    auto parsed = parse_subject(*subject);
    if (!parsed)
      return make_error("--subject: " + parsed.message());
    common.subject = std::move(*parsed);
  }
  common.policy_path = args.value_or("policy", "");
  if (common.policy_path.empty() && !spec.default_policy.empty()) {
    common.policy_path = default_policy_path(spec.default_policy);
  }
  common.scope.env = args.value_or("env", "");
  // Checked here, once for every step: a record's env must be a name promote and rollback read
  // the same way (no newline, trailing space or look-alike letter).
  if (args.value("env")) {
    if (auto valid = validate_env_name(common.scope.env); !valid)
      return make_error("--env: " + valid.message());
  }
  RELGATE_ASSIGN_OR_RETURN(common.scope.stage, args.integer("stage", 0, 100));
  if (const auto now = args.value("now"))
    RELGATE_TRY(pin_clock(*now));
  common.color = !args.has("no-color") && std::getenv("NO_COLOR") == nullptr && ::isatty(STDOUT_FILENO) == 1;
  return common;
}

EvidenceRecord make_record(const std::string &step, const CommonOptions &common, const StepOutcome &outcome,
                           const std::string &started_at, int64_t duration_ms)
{
  EvidenceRecord record;
  record.step = step;
  record.decision = outcome.decision;
  record.reasons = outcome.reasons;
  record.summary = copy_document(outcome.summary);
  record.scope = common.scope;
  record.policy = outcome.policy;
  record.inputs = outcome.inputs;
  record.tool_version = std::string(relgate_version());
  record.started_at = started_at;
  record.duration_ms = duration_ms;
  record.ci = collect_ci_context();
  record.pinned_clock = clock_is_pinned();
  return record;
}

Result<EvidenceRecord> append_evidence(const std::string &step, const CommonOptions &common, const StepOutcome &outcome,
                                       const std::string &started_at, int64_t duration_ms)
{
  AppendOptions options;
  options.create_with_subject = common.subject;
  options.judged_digest = outcome.judged_digest;
  options.signing_key_path = env_or_empty("RELGATE_EVIDENCE_KEY");
  return append_record(common.evidence_path, make_record(step, common, outcome, started_at, duration_ms), options);
}

void emit_ci_outputs(const std::string &step, const StepOutcome &outcome, const StepIo &io)
{
  Result<void> written;
  switch (detect_ci_provider()) {
  case CiProvider::github: {
    // Annotations on stderr, around the log guard: stdout stays the report (valid JSON/SARIF).
    std::ostringstream annotations;
    written = write_github_outputs(step, outcome, annotations);
    write_workflow_commands(io.err, annotations.str());
    break;
  }
  case CiProvider::gitlab:
    written = write_gitlab_outputs(step, outcome);
    break;
  case CiProvider::none:
    break;
  }
  // CI files are a convenience; the exit code and stdout already carry the decision.
  if (!written)
    io.err << step << ": warning: CI outputs not written: " << printable_lines(written.message()) << "\n";
}

Result<void> preflight(const CommonOptions &common)
{
  const std::string key_path = env_or_empty("RELGATE_EVIDENCE_KEY");
  if (!common.evidence_path.empty() && !key_path.empty())
    RELGATE_TRY(read_signing_key(key_path, "RELGATE_EVIDENCE_KEY"));
  return ok_result();
}

// On a guarded stream, JSON and XML are neutralised in their own escapes (\u005b, &#91;) so the
// data survives parsing; the guard would otherwise rewrite it as text.
std::string guarded_rendering(const std::ostream &out, std::string rendering)
{
  return is_guarded(out) ? neutralize_workflow_commands(rendering, dialect_of(rendering)) : rendering;
}

// What escapes a step or a program is a bug (errors are values), but it still fails closed.
std::string describe_internal_error(const std::exception &exception)
{
  return std::string("internal error: ") + exception.what();
}

std::string usage_text(const StepSpec &spec)
{
  std::vector<OptionSpec> all = spec.options;
  for (auto &option : common_option_specs())
    all.push_back(option);
  return "Usage: " + spec.usage + "\n\n" + spec.description + "\n\n" + format_options_help(all) +
         "\nExit codes: 0 ALLOW, 1 DENY, 2 error (fails closed), 3 INCONCLUSIVE.\n";
}

} // namespace

std::string default_policy_path(const std::string &file_name)
{
  std::vector<std::string> candidates;
  if (const std::string dir = env_or_empty("RELGATE_POLICY_DIR"); !dir.empty())
    candidates.push_back(dir);
  if (const std::string exe = executable_directory(); !exe.empty()) {
    candidates.push_back(exe + "/../share/relgate/policies");
  }
#ifdef RELGATE_SOURCE_POLICY_DIR
  candidates.push_back(RELGATE_SOURCE_POLICY_DIR);
#endif
  for (const auto &dir : candidates) {
    const std::string path = dir + "/" + file_name;
    if (file_exists(path))
      return std::filesystem::path(path).lexically_normal().string();
  }
  return candidates.front() + "/" + file_name;
}

int finish_step(const StepSpec &spec, const CommonOptions &common, Result<StepOutcome> outcome, const StepIo &io,
                const std::string &started_at, int64_t duration_ms)
{
  std::string evidence_note;
  if (outcome && common.subject && outcome->judged_digest && !(*outcome->judged_digest == common.subject->digest)) {
    outcome = make_error("the judged artifact " + outcome->judged_digest->str() + " is not the subject " +
                         common.subject->digest.str() + " (check --subject and the artifact)");
  }
  if (outcome && !common.evidence_path.empty() && outcome->append_to_evidence) {
    auto appended = append_evidence(spec.name, common, *outcome, started_at, duration_ms);
    if (!appended) {
      outcome = make_error("evidence: " + appended.message());
    } else {
      evidence_note = common.evidence_path + ": appended " + spec.name + " " +
                      std::string(decision_name(appended->decision)) + " record";
      // The anchor a later job can demand (promote --expect-evidence-head): cut records show.
      outcome->outputs.emplace_back("evidence-head", record_id(*appended));
    }
  }

  if (!outcome) {
    // Fails closed: an error is a decision too, recorded where possible.
    StepOutcome failed;
    failed.decision = Decision::error;
    failed.reasons = {outcome.message()};
    if (!common.evidence_path.empty() && (common.subject || file_exists(common.evidence_path))) {
      if (auto appended = append_evidence(spec.name, common, failed, started_at, duration_ms))
        failed.outputs.emplace_back("evidence-head", record_id(*appended));
    }
    if (common.format == "json") {
      io.out << guarded_rendering(io.out, render_json(spec.name, failed, ""));
    }
    io.err << spec.name << ": error: " << printable_lines(outcome.message()) << "\n";
    emit_ci_outputs(spec.name, failed, io);
    return exit_error;
  }

  if (!outcome->custom_rendering.empty()) {
    io.out << guarded_rendering(io.out, outcome->custom_rendering);
  } else if (common.format == "json" && outcome->json_rendering) {
    std::string head;
    for (const auto &[name, value] : outcome->outputs) {
      if (name == "evidence-head")
        head = value;
    }
    io.out << guarded_rendering(io.out, outcome->json_rendering(evidence_note, head));
  } else if (common.format == "json") {
    io.out << guarded_rendering(io.out, render_json(spec.name, *outcome, evidence_note));
  } else {
    io.out << render_text(spec.name, *outcome, common.color);
  }
  emit_ci_outputs(spec.name, *outcome, io);
  return exit_code_for(outcome->decision);
}

int run_program(std::string_view program, const StepIo &io, const std::function<int()> &body)
{
  auto exit_code = call_catching(body, describe_internal_error);
  if (!exit_code) {
    io.err << program << ": error: " << printable_lines(exit_code.message()) << "\n";
    return exit_error;
  }
  return *exit_code;
}

int step_main(const StepSpec &spec, int argc, const char *const *argv)
{
  const GithubLogGuard log_guard; // no printed data becomes a workflow command (docs/ci.md)
  StepIo io{std::cout, std::cerr};
  std::vector<OptionSpec> all = spec.options;
  for (auto &option : common_option_specs())
    all.push_back(option);
  auto args = parse_command_line(argc, argv, all);
  if (!args) {
    io.err << spec.name << ": error: " << printable_lines(args.message()) << "\n";
    return exit_error;
  }
  if (args->has("help")) {
    io.out << usage_text(spec);
    return exit_allow;
  }
  if (args->has("version")) {
    io.out << spec.name << " (relgate) " << relgate_version() << "\n";
    return exit_allow;
  }
  auto common = read_common_options(spec, *args);
  if (common) {
    if (auto clock = refuse_clock_environment(); !clock)
      common = clock.error();
  }
  if (!common) {
    io.err << spec.name << ": error: " << printable_lines(common.message()) << "\n";
    return exit_error;
  }

  const auto started = std::chrono::steady_clock::now();
  const std::string started_at = format_rfc3339(current_time());
  StepContext context{spec.name, std::move(*args), *common, io};
  // Checked before the step acts: a bad key must not surface after a push (promote, rollback).
  Result<StepOutcome> outcome = call_catching(
      [&]() -> Result<StepOutcome> {
        RELGATE_TRY(preflight(*common));
        return spec.run(context);
      },
      describe_internal_error);
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  // context.common, not the parsed options: a step may fill in its scope (e.g. the stage it chose).
  return finish_step(spec, context.common, std::move(outcome), io, started_at, elapsed.count());
}

} // namespace relgate
