// evidence show: the file for people (text: one line per record, then its reasons) or as JSON.
#include "evidence_commands.hpp"

#include "decision.hpp"
#include "encoding.hpp"
#include "evidence.hpp"
#include "json.hpp"
#include "text_join.hpp"

#include <algorithm>

#include <ostream>

namespace relgate::evidence_cli
{
namespace
{

std::string scope_text(const RecordScope &scope)
{
  std::string text;
  if (!scope.env.empty())
    text += "  env=" + printable_line(scope.env);
  if (scope.stage)
    text += "  stage=" + std::to_string(*scope.stage);
  return text;
}

// The release ids promote assigned (its records' summary.release_id), in order, each once.
std::vector<std::string> promoted_release_ids(const EvidenceFile &file)
{
  std::vector<std::string> ids;
  for (const auto &record : file.records) {
    if (record.step != "promote" || !record.summary.IsObject())
      continue;
    auto id = get_string(record.summary, "release_id");
    if (id && !id->empty() && std::find(ids.begin(), ids.end(), *id) == ids.end())
      ids.push_back(*id);
  }
  return ids;
}

std::string release_text(const EvidenceFile &file)
{
  std::vector<std::string> ids;
  if (!file.release_id.empty())
    ids.push_back(file.release_id);
  for (auto &id : promoted_release_ids(file)) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end())
      ids.push_back(id);
  }
  if (ids.empty())
    return "(no id)";
  std::string text = join(ids, ", ", [](const std::string &id) { return printable_excerpt(id); });
  if (file.release_id.empty())
    text += " (assigned by promote)";
  return text;
}

void print_text(const std::string &path, const EvidenceFile &file, const ChainReport &report, std::ostream &out)
{
  out << "evidence: " << path << "\n"
      << "subject:  " << file.subject.str() << "\n"
      << "release:  " << release_text(file) << ", created " << printable_line(file.created_at) << "\n";
  if (!file.source_commit_time.empty())
    out << "source:   committed " << printable_line(file.source_commit_time) << "\n";
  if (report.intact) {
    out << "chain:    intact, " << file.records.size() << " records, " << report.signed_records << " signed\n";
  } else {
    out << "chain:    BROKEN: " << printable_line(report.problem) << "\n";
  }
  for (std::size_t i = 0; i < file.records.size(); ++i) {
    const EvidenceRecord &record = file.records[i];
    // Every text from the file is escaped: a reason (a scanner's package name, a label value) must
    // not add a line that reads as another record, nor carry a control sequence.
    out << "#" << i << "  " << printable_line(record.started_at) << "  " << printable_line(record.step) << "  "
        << decision_name(record.decision) << scope_text(record.scope) << "  " << record.duration_ms << "ms";
    if (record.signature)
      out << "  signed by " << printable_line(record.signature->key_id.substr(0, 19)) << "...";
    out << "\n";
    for (const auto &reason : record.reasons)
      out << "      - " << printable_line(reason) << "\n";
  }
}

Result<int> run_show(const ParsedArgs &args, const StepIo &io)
{
  RELGATE_ASSIGN_OR_RETURN(std::string path, args.required("evidence"));
  RELGATE_ASSIGN_OR_RETURN(std::string format, read_format(args));
  RELGATE_ASSIGN_OR_RETURN(EvidenceFile file, load_evidence(path));
  if (format == "json") {
    io.out << serialize_evidence(file);
  } else {
    print_text(path, file, verify_chain(file), io.out);
  }
  return exit_allow;
}

} // namespace

Subcommand show_command()
{
  return Subcommand{"show",
                    "evidence show --evidence FILE [--format text|json]",
                    "Prints the evidence file: the subject, the chain status and one line per record with\n"
                    "its reasons (text), or the whole document (json). Use `evidence verify` to gate on it.",
                    {value_option("evidence", "FILE", "the evidence file"), format_option()},
                    false,
                    run_show};
}

} // namespace relgate::evidence_cli
