// evidence init: create the file for one release candidate (idempotent for the same subject).
#include "evidence_commands.hpp"

#include "decision.hpp"
#include "evidence.hpp"
#include "file_io.hpp"

#include <ostream>

namespace relgate::evidence_cli
{
namespace
{

Result<int> run_init(const ParsedArgs &args, CommandIo &io)
{
  RELGATE_ASSIGN_OR_RETURN(std::string path, args.required("evidence"));
  RELGATE_ASSIGN_OR_RETURN(std::string subject_text, args.required("subject"));
  RELGATE_ASSIGN_OR_RETURN(std::string format, read_format(args));
  auto subject = parse_subject(subject_text);
  if (!subject)
    return make_error("--subject: " + subject.message());
  const bool existed = file_exists(path);
  RELGATE_ASSIGN_OR_RETURN(EvidenceFile file, init_evidence(path, *subject, args.value_or("release", "")));
  if (format == "json") {
    JsonDocument doc(rapidjson::kObjectType);
    auto &alloc = doc.GetAllocator();
    set_member(doc, "evidence", path, alloc);
    set_member(doc, "subject", file.subject.str(), alloc);
    set_member(doc, "created", JsonValue(!existed), alloc);
    set_member(doc, "records", JsonValue(static_cast<uint64_t>(file.records.size())), alloc);
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
                    "evidence init --evidence FILE --subject NAME@DIGEST [--release ID]",
                    "Creates the evidence file for one release candidate. Running it again with the same subject\n"
                    "leaves the file as it is; another subject is refused.",
                    {value_option("evidence", "FILE", "the evidence file to create"),
                     value_option("subject", "NAME@DIGEST", "the release subject, pinned by digest (tags are refused)"),
                     value_option("release", "ID", "a release id to record (optional)"), format_option()},
                    false,
                    run_init};
}

} // namespace relgate::evidence_cli
