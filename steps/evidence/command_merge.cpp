// evidence merge: combine the copies parallel CI jobs wrote into one chain.
#include "evidence_commands.hpp"

#include "decision.hpp"
#include "evidence.hpp"

#include <ostream>

namespace relgate::evidence_cli
{
namespace
{

Result<int> run_merge(const ParsedArgs &args, CommandIo &io)
{
  RELGATE_ASSIGN_OR_RETURN(std::string output, args.required("evidence"));
  RELGATE_ASSIGN_OR_RETURN(std::string format, read_format(args));
  if (args.positional.empty()) {
    return make_error("evidence merge: no input files (usage: evidence merge --evidence OUT IN...)");
  }
  RELGATE_ASSIGN_OR_RETURN(MergeSummary summary, merge_evidence_files(output, args.positional));
  const std::size_t dropped = summary.input_records - summary.merged_records;
  if (format == "json") {
    JsonDocument doc(rapidjson::kObjectType);
    auto &alloc = doc.GetAllocator();
    set_member(doc, "evidence", output, alloc);
    set_member(doc, "records", JsonValue(static_cast<uint64_t>(summary.merged_records)), alloc);
    set_member(doc, "duplicates_dropped", JsonValue(static_cast<uint64_t>(dropped)), alloc);
    io.out << to_json(doc) << "\n";
  } else {
    io.out << output << ": merged " << summary.merged_records << " records (" << dropped << " duplicates dropped)\n";
  }
  return exit_allow;
}

} // namespace

Subcommand merge_command()
{
  return Subcommand{"merge",
                    "evidence merge --evidence OUT IN... [--format text|json]",
                    "Merges evidence files of the same subject (e.g. one per parallel CI job) into OUT: records\n"
                    "ordered by start time, exact duplicates dropped, chain rebuilt, signatures kept. An existing\n"
                    "OUT is merged in too. Different subjects or a broken input chain are refused.",
                    {value_option("evidence", "OUT", "the merged evidence file to write"), format_option()},
                    true,
                    run_merge};
}

} // namespace relgate::evidence_cli
