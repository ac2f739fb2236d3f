// evidence init: create the file for one release candidate (idempotent for the same subject).
#include "evidence_commands.hpp"

#include "ci_context.hpp"
#include "decision.hpp"
#include "evidence.hpp"
#include "file_io.hpp"

#include <ostream>

namespace relgate::evidence_cli
{
namespace
{

Result<int> run_init(const ParsedArgs &args, const StepIo &io)
{
  RELGATE_ASSIGN_OR_RETURN(std::string path, args.required("evidence"));
  RELGATE_ASSIGN_OR_RETURN(std::string subject_text, args.required("subject"));
  RELGATE_ASSIGN_OR_RETURN(std::string format, read_format(args));
  auto subject = parse_subject(subject_text);
  if (!subject)
    return make_error("--subject: " + subject.message());
  // The flag, else GitLab's CI_COMMIT_TIMESTAMP (GitHub has no such variable: the action passes the flag).
  std::string commit_time = args.value_or("source-commit-time", "");
  std::string commit_time_source = "--source-commit-time";
  if (commit_time.empty() && !args.has("source-commit-time") && env_or_empty("GITLAB_CI") == "true") {
    commit_time = env_or_empty("CI_COMMIT_TIMESTAMP");
    commit_time_source = "CI_COMMIT_TIMESTAMP";
  }
  if (args.has("source-commit-time") && commit_time.empty())
    return make_error("--source-commit-time: empty (give an RFC 3339 time such as 2026-11-17T09:00:00Z)");
  if (!commit_time.empty()) {
    if (auto valid = normalize_source_commit_time(commit_time); !valid)
      return make_error(commit_time_source + ": " + valid.message());
  }
  const bool existed = file_exists(path);
  RELGATE_ASSIGN_OR_RETURN(EvidenceFile file, init_evidence(path, *subject, args.value_or("release", ""), commit_time));
  if (format == "json") {
    JsonDocument doc(rapidjson::kObjectType);
    auto &alloc = doc.GetAllocator();
    set_member(doc, "evidence", path, alloc);
    set_member(doc, "subject", file.subject.str(), alloc);
    set_member(doc, "created", JsonValue(!existed), alloc);
    set_member(doc, "records", JsonValue(static_cast<uint64_t>(file.records.size())), alloc);
    if (!file.source_commit_time.empty())
      set_member(doc, "source_commit_time", file.source_commit_time, alloc);
    io.out << to_json(doc) << "\n";
  } else if (existed) {
    io.out << path << ": already exists for " << file.subject.str() << " (" << file.records.size()
           << " records; unchanged)\n";
  } else {
    io.out << path << ": created for " << file.subject.str() << "\n";
  }
  return exit_allow;
}

} // namespace

Subcommand init_command()
{
  return Subcommand{"init",
                    "evidence init --evidence FILE --subject NAME@DIGEST [--release ID] [--source-commit-time TIME]",
                    "Creates the evidence file for one release candidate. Running it again with the same subject\n"
                    "leaves the file as it is; another subject is refused. The source commit time (RFC 3339; on\n"
                    "GitLab CI_COMMIT_TIMESTAMP when the flag is absent) is kept in the header for lead-time metrics.",
                    {value_option("evidence", "FILE", "the evidence file to create"),
                     value_option("subject", "NAME@DIGEST", "the release subject, pinned by digest (tags are refused)"),
                     value_option("release", "ID", "a release id to record (optional)"),
                     value_option("source-commit-time", "TIME",
                                  "when the release's source commit was made (RFC 3339); default on GitLab: "
                                  "CI_COMMIT_TIMESTAMP"),
                     format_option()},
                    false,
                    run_init};
}

} // namespace relgate::evidence_cli
