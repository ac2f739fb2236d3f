// evidence append: record a decision made outside relgate (a third-party check in the
// pipeline) with the same locking, chaining and signing as the steps use.
#include "evidence_commands.hpp"

#include "ci_context.hpp"
#include "decision.hpp"
#include "digest.hpp"
#include "evidence.hpp"
#include "evidence_json_fields.hpp"
#include "time_util.hpp"
#include "version.hpp"

#include <cstdlib>
#include <ostream>

namespace relgate::evidence_cli
{
namespace
{

Result<void> check_step_name(const std::string &step)
{
  bool valid = !step.empty() && step.size() <= 64;
  for (char c : step) {
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.');
  }
  if (valid && is_reserved_step_name(step)) {
    return make_error("--step: '" + step +
                      "' is reserved for relgate's own step (run the step itself; a result recorded by hand needs "
                      "another name, e.g. manual-" +
                      step + ")");
  }
  if (valid)
    return ok_result();
  return make_error("--step: '" + step +
                    "' is not a step name (lowercase letters, digits, '-', '_', '.'; "
                    "at most 64 characters)");
}

Result<EvidenceRecord> record_from_args(const ParsedArgs &args)
{
  EvidenceRecord record;
  RELGATE_ASSIGN_OR_RETURN(record.step, args.required("step"));
  RELGATE_TRY(check_step_name(record.step));
  RELGATE_ASSIGN_OR_RETURN(std::string decision, args.required("decision"));
  auto parsed = parse_decision(decision);
  if (!parsed)
    return make_error("--decision: " + parsed.message());
  record.decision = *parsed;
  record.reasons = args.values("reason");
  for (const auto &reason : record.reasons) {
    if (reason.empty())
      return make_error("--reason: must not be empty");
  }
  record.scope.env = args.value_or("env", "");
  RELGATE_ASSIGN_OR_RETURN(record.scope.stage, args.integer("stage", 0, 100));
  if (auto summary_text = args.value("summary")) {
    auto summary = parse_json(*summary_text, "--summary");
    if (!summary)
      return summary.error();
    if (!summary->IsObject())
      return make_error("--summary: must be a JSON object, e.g. '{\"critical\":0}'");
    record.summary = std::move(*summary);
  } else {
    record.summary = empty_object();
  }
  for (const auto &input : args.values("input")) {
    RELGATE_ASSIGN_OR_RETURN(std::string sha256, sha256_file_hex(input));
    record.inputs.push_back(FileRef{input, std::move(sha256)});
  }
  record.tool_version = std::string(relgate_version());
  record.started_at = format_rfc3339(current_time());
  RELGATE_ASSIGN_OR_RETURN(auto duration, args.integer("duration-ms", 0, INT64_MAX));
  record.duration_ms = duration.value_or(0);
  record.ci = collect_ci_context();
  record.pinned_clock = clock_is_pinned();
  return record;
}

Result<int> run_append(const ParsedArgs &args, const StepIo &io)
{
  RELGATE_ASSIGN_OR_RETURN(std::string path, args.required("evidence"));
  RELGATE_ASSIGN_OR_RETURN(std::string format, read_format(args));
  RELGATE_ASSIGN_OR_RETURN(EvidenceRecord record, record_from_args(args));

  AppendOptions options;
  if (auto subject_text = args.value("subject")) {
    auto subject = parse_subject(*subject_text);
    if (!subject)
      return make_error("--subject: " + subject.message());
    options.create_with_subject = *subject;
  }
  if (auto digest_text = args.value("digest")) {
    auto digest = parse_digest(*digest_text);
    if (!digest)
      return make_error("--digest: " + digest.message());
    options.judged_digest = *digest;
  }
  const char *key_env = std::getenv("RELGATE_EVIDENCE_KEY");
  options.signing_key_path = args.value_or("signing-key", key_env != nullptr ? key_env : "");

  RELGATE_ASSIGN_OR_RETURN(EvidenceRecord appended, append_record(path, std::move(record), options));
  if (format == "json") {
    JsonDocument doc(rapidjson::kObjectType);
    auto &alloc = doc.GetAllocator();
    set_member(doc, "evidence", path, alloc);
    set_member(doc, "step", appended.step, alloc);
    set_member(doc, "decision", decision_name(appended.decision), alloc);
    set_member(doc, "hash", appended.hash, alloc);
    set_member(doc, "head", record_id(appended), alloc);
    set_member(doc, "signed", JsonValue(appended.signature.has_value()), alloc);
    io.out << to_json(doc) << "\n";
  } else {
    io.out << path << ": appended " << appended.step << " " << decision_name(appended.decision) << " (head "
           << record_id(appended) << (appended.signature ? ", signed" : "") << ")\n";
  }
  return exit_allow;
}

} // namespace

Subcommand append_command()
{
  return Subcommand{
      "append",
      "evidence append --evidence FILE --step NAME --decision ALLOW|DENY|INCONCLUSIVE|ERROR [options]",
      "Appends one decision record, e.g. for a check relgate does not run itself. The record is\n"
      "chained (and signed when RELGATE_EVIDENCE_KEY or --signing-key names a PEM private key)\n"
      "exactly like a step's. Safe to run concurrently: appends are serialized by a lock file.",
      {value_option("evidence", "FILE", "the evidence file"),
       value_option("step", "NAME", "who decided (lowercase, e.g. license-check)"),
       value_option("decision", "DECISION", "ALLOW, DENY, INCONCLUSIVE or ERROR"),
       repeated_option("reason", "TEXT", "a short, actionable reason; repeatable"),
       value_option("subject", "NAME@DIGEST", "create the file for this subject when missing (must match)"),
       value_option("digest", "DIGEST", "the artifact judged; must equal the file's subject digest"),
       value_option("env", "ENV", "environment the decision applies to"),
       value_option("stage", "PERCENT", "canary stage the decision applies to"),
       value_option("summary", "JSON", "a JSON object with the check's figures"),
       repeated_option("input", "FILE", "a file the check judged (its sha256 is recorded); repeatable"),
       value_option("duration-ms", "MS", "how long the check took"),
       value_option("signing-key", "PEM", "PEM private key to sign with (default: $RELGATE_EVIDENCE_KEY)"),
       format_option()},
      false,
      run_append};
}

} // namespace relgate::evidence_cli
