// evidence verify: exit 0 when the chain is intact (and, with --key, every record is signed by
// a trusted key), 1 when broken (naming the first bad record), 2 when the input is unusable.
#include "evidence_commands.hpp"

#include "decision.hpp"
#include "evidence.hpp"
#include "file_io.hpp"

#include <ostream>

namespace relgate::evidence_cli
{
namespace
{

Result<int> run_verify(const ParsedArgs &args, const StepIo &io)
{
  RELGATE_ASSIGN_OR_RETURN(std::string path, args.required("evidence"));
  RELGATE_ASSIGN_OR_RETURN(std::string format, read_format(args));
  RELGATE_ASSIGN_OR_RETURN(std::vector<std::string> trusted_keys, read_trusted_key_files(args.values("key")));
  RELGATE_ASSIGN_OR_RETURN(EvidenceFile file, load_evidence(path));
  RELGATE_ASSIGN_OR_RETURN(ChainReport report, verify_chain_with_keys(file, trusted_keys));
  const std::vector<std::string> anchors = args.values("expect-head");
  for (const auto &id : anchors) {
    // An empty or garbled id (a job output that was never set) is a pipeline error, not a verdict.
    bool valid = id.size() == 71 && id.rfind("sha256:", 0) == 0;
    for (std::size_t i = 7; valid && i < id.size(); ++i)
      valid = (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f');
    if (!valid) {
      return make_error("--expect-head '" + id.substr(0, 80) +
                        "': expected a record id sha256:<64 hex> (the evidence-head output of a gate step)");
    }
  }
  if (report.intact) {
    if (auto anchored = require_evidence_anchors(file, anchors); !anchored) {
      report.intact = false;
      report.problem = anchored.message();
    }
  }

  if (format == "json") {
    JsonDocument doc(rapidjson::kObjectType);
    auto &alloc = doc.GetAllocator();
    set_member(doc, "evidence", path, alloc);
    set_member(doc, "subject", file.subject.str(), alloc);
    set_member(doc, "intact", JsonValue(report.intact), alloc);
    set_member(doc, "records", JsonValue(static_cast<uint64_t>(file.records.size())), alloc);
    set_member(doc, "signed_records", JsonValue(static_cast<uint64_t>(report.signed_records)), alloc);
    set_member(doc, "signatures_checked", JsonValue(!trusted_keys.empty()), alloc);
    set_member(doc, "first_bad_index",
               report.first_bad_index ? JsonValue(static_cast<uint64_t>(*report.first_bad_index))
                                      : JsonValue(rapidjson::kNullType),
               alloc);
    set_member(doc, "problem", report.problem, alloc);
    set_member(doc, "head", evidence_head(file), alloc);
    io.out << to_json(doc) << "\n";
  } else if (report.intact) {
    io.out << path << ": chain intact: " << file.records.size() << " records, " << report.signed_records << " signed";
    if (!trusted_keys.empty())
      io.out << ", every signature verified by a trusted key";
    else
      io.out << " (integrity only: pass --key to check who wrote them)";
    if (!anchors.empty())
      io.out << ", expected heads present";
    io.out << "\n"
           << "head: " << (file.records.empty() ? "(no records)" : evidence_head(file)) << "\n";
  } else {
    io.out << path << ": chain BROKEN" << (report.first_bad_index ? " at " + report.problem : ": " + report.problem)
           << "\n";
  }
  return report.intact ? exit_allow : exit_deny;
}

} // namespace

Subcommand verify_command()
{
  return Subcommand{
      "verify",
      "evidence verify --evidence FILE [--key PUBLIC_PEM ...] [--expect-head ID ...] [--format text|json]",
      "Checks the hash chain: an edited, removed, inserted or reordered record is reported with its\n"
      "index. With --key, every record must also carry a valid signature by one of the keys (a\n"
      "signature covers the record's place in the chain and so the subject). With --expect-head,\n"
      "each ID (the evidence-head a step published) must be a record of the file: records cut\n"
      "off the end show. Exit 0 intact, 1 broken, 2 unreadable or invalid input.",
      {value_option("evidence", "FILE", "the evidence file"),
       repeated_option("key", "PEM", "trusted public key file (Ed25519 or ECDSA P-256); repeatable"),
       repeated_option("expect-head", "ID", "a record id that must be in the file; repeatable"), format_option()},
      false,
      run_verify};
}

} // namespace relgate::evidence_cli
