// evidence merge: combine the copies parallel CI jobs wrote into one chain.
#include "evidence_commands.hpp"

#include "ci_context.hpp"
#include "decision.hpp"
#include "evidence.hpp"

#include <ostream>

namespace relgate::evidence_cli
{
namespace
{

Result<int> run_merge(const ParsedArgs &args, const StepIo &io)
{
  RELGATE_ASSIGN_OR_RETURN(std::string output, args.required("evidence"));
  RELGATE_ASSIGN_OR_RETURN(std::string format, read_format(args));
  if (args.positional.empty()) {
    return make_error("evidence merge: no input files (usage: evidence merge --evidence OUT IN...)");
  }
  MergeKeys keys;
  const std::string key_path = args.value_or("signing-key", env_or_empty("RELGATE_EVIDENCE_KEY"));
  if (!key_path.empty()) {
    keys.signing_key_source = "signing key (" + key_path + ")";
    RELGATE_ASSIGN_OR_RETURN(keys.signing_key_pem, read_signing_key(key_path, "signing key"));
  }
  RELGATE_ASSIGN_OR_RETURN(keys.trusted_key_pems, read_trusted_key_files(args.values("key")));
  RELGATE_ASSIGN_OR_RETURN(MergeSummary summary, merge_evidence_files(output, args.positional, keys));
  const std::size_t dropped = summary.input_records - summary.merged_records;
  if (format == "json") {
    JsonDocument doc(rapidjson::kObjectType);
    auto &alloc = doc.GetAllocator();
    set_member(doc, "evidence", output, alloc);
    set_member(doc, "records", JsonValue(static_cast<uint64_t>(summary.merged_records)), alloc);
    set_member(doc, "duplicates_dropped", JsonValue(static_cast<uint64_t>(dropped)), alloc);
    set_member(doc, "resigned", JsonValue(static_cast<uint64_t>(summary.resigned_records)), alloc);
    io.out << to_json(doc) << "\n";
  } else {
    io.out << output << ": merged " << summary.merged_records << " records (" << dropped << " duplicates dropped, "
           << summary.resigned_records << " re-signed)\n";
  }
  return exit_allow;
}

} // namespace

Subcommand merge_command()
{
  return Subcommand{
      "merge",
      "evidence merge --evidence OUT IN... [--signing-key PEM] [--key PUBLIC_PEM ...] [--format text|json]",
      "Merges evidence files of the same subject (e.g. one per parallel CI job) into OUT: records\n"
      "ordered by start time, exact duplicates dropped, chain rebuilt. A signature covers the\n"
      "record's place in the chain, so a signed record that moves is verified (by the signing\n"
      "key's public half or a --key) and signed again with the signing key (default:\n"
      "$RELGATE_EVIDENCE_KEY). An existing OUT is merged in too. Different subjects, a broken input\n"
      "chain or a signature that does not verify are refused. With --key, every record must be\n"
      "signed by one of the keys (or the signing key) and verify: unsigned records are refused.",
      {value_option("evidence", "OUT", "the merged evidence file to write"),
       value_option("signing-key", "PEM", "private key that re-signs moved records"),
       repeated_option("key", "PEM", "public key that may have signed input records; repeatable"), format_option()},
      true,
      run_merge};
}

} // namespace relgate::evidence_cli
