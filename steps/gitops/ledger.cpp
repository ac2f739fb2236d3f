#include "ledger.hpp"

#include "encoding.hpp"
#include "file_io.hpp"
#include "json.hpp"
#include "repo_layout.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>

namespace relgate::gitops
{

std::string ledger_line(const LedgerEntry &entry)
{
  JsonDocument doc(rapidjson::kObjectType);
  auto &allocator = doc.GetAllocator();
  set_member(doc, "seq", JsonValue(static_cast<int64_t>(entry.seq)), allocator);
  if (!entry.app.empty())
    set_member(doc, "app", entry.app, allocator);
  set_member(doc, "action", entry.action, allocator);
  set_member(doc, "release", entry.release_id, allocator);
  set_member(doc, "digest", entry.digest, allocator);
  set_member(doc, "image", entry.image, allocator);
  set_member(doc, "weight", JsonValue(static_cast<int64_t>(entry.weight)), allocator);
  set_member(doc, "evidence_sha256", entry.evidence_sha256, allocator);
  set_member(doc, "approvers", json_string_array(entry.approvers, allocator), allocator);
  set_member(doc, "actor", entry.actor, allocator);
  set_member(doc, "time", entry.time, allocator);
  set_member(doc, "outcome", entry.outcome, allocator);
  set_member(doc, "reason", entry.reason, allocator);
  if (!entry.rollback_of.empty())
    set_member(doc, "rollback_of", entry.rollback_of, allocator);
  if (!entry.evidence_trust.empty())
    set_member(doc, "evidence_trust", entry.evidence_trust, allocator);
  if (!entry.pinned_clock.empty())
    set_member(doc, "pinned_clock", entry.pinned_clock, allocator);
  return to_json(doc) + "\n";
}

Result<LedgerEntry> parse_ledger_line(std::string_view line, const std::string &where)
{
  RELGATE_ASSIGN_OR_RETURN(auto doc, parse_json(line, where));
  if (!doc.IsObject())
    return make_error(where + ": expected a JSON object per ledger line");
  LedgerEntry entry;
  auto seq = get_int64(doc, "seq");
  auto weight = get_int64(doc, "weight");
  auto action = get_string(doc, "action");
  auto release = get_string(doc, "release");
  auto digest = get_string(doc, "digest");
  if (!seq || !weight || !action || !release || !digest) {
    return make_error(where + ": a ledger line needs seq, weight (integers), action, release and digest (strings)");
  }
  entry.seq = *seq;
  entry.weight = *weight;
  entry.action = *action;
  entry.release_id = *release;
  entry.digest = *digest;
  entry.app = get_string(doc, "app").value_or("");
  entry.image = get_string(doc, "image").value_or("");
  entry.evidence_sha256 = get_string(doc, "evidence_sha256").value_or("");
  entry.actor = get_string(doc, "actor").value_or("");
  entry.time = get_string(doc, "time").value_or("");
  entry.outcome = get_string(doc, "outcome").value_or("");
  entry.reason = get_string(doc, "reason").value_or("");
  entry.rollback_of = get_string(doc, "rollback_of").value_or("");
  entry.evidence_trust = get_string(doc, "evidence_trust").value_or("");
  entry.pinned_clock = get_string(doc, "pinned_clock").value_or("");
  if (const JsonValue *approvers = find_member(doc, "approvers"); approvers && approvers->IsArray()) {
    for (const auto &item : approvers->GetArray()) {
      if (item.IsString())
        entry.approvers.emplace_back(item.GetString(), item.GetStringLength());
    }
  }
  return entry;
}

namespace
{

struct LedgerLine {
  std::size_t number; // 1-based, counted from the start of the text given
  std::string_view text;
};

// The non-empty lines of text, numbered from 1 (a "\r" before the newline is left to the JSON parser).
std::vector<LedgerLine> split_lines(std::string_view text)
{
  std::vector<LedgerLine> lines;
  std::size_t start = 0;
  std::size_t number = 1;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos)
      end = text.size();
    if (end > start)
      lines.push_back(LedgerLine{number, text.substr(start, end - start)});
    start = end + 1;
    ++number;
  }
  return lines;
}

// Parses lines in order and holds seq to its invariant. line_offset is added to each line's
// number for the message (the tail read starts mid-file).
Result<std::vector<LedgerEntry>> parse_ordered(const std::vector<LedgerLine> &lines, const std::string &path,
                                               std::size_t line_offset)
{
  std::vector<LedgerEntry> entries;
  entries.reserve(lines.size());
  std::size_t previous_line = 0;
  for (const auto &line : lines) {
    auto where = [&](std::size_t number) { return path + ":" + std::to_string(number + line_offset); };
    RELGATE_ASSIGN_OR_RETURN(auto entry, parse_ledger_line(line.text, where(line.number)));
    if (entry.seq < 1) {
      return make_error(where(line.number) + ": seq " + std::to_string(entry.seq) +
                        " (a ledger starts at 1); the ledger was edited by hand: restore it from git history");
    }
    if (!entries.empty() && entry.seq <= entries.back().seq) {
      return make_error(where(line.number) + ": seq " + std::to_string(entry.seq) +
                        (entry.seq == entries.back().seq ? " repeats" : " comes after") + " seq " +
                        std::to_string(entries.back().seq) + " of line " + std::to_string(previous_line + line_offset) +
                        " (seq only grows); the ledger was edited by hand: restore it from git history");
    }
    previous_line = line.number;
    entries.push_back(std::move(entry));
  }
  return entries;
}

// The newlines in the file's first `length` bytes, read in chunks.
Result<std::size_t> count_newlines(const std::string &path, std::streamoff length)
{
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buffer(64 * 1024);
  std::size_t newlines = 0;
  while (length > 0) {
    in.read(buffer.data(),
            static_cast<std::streamsize>(std::min<std::streamoff>(length, static_cast<std::streamoff>(buffer.size()))));
    const std::streamsize got = in.gcount();
    if (got <= 0)
      return make_error(path + ": cannot read the ledger");
    newlines += static_cast<std::size_t>(std::count(buffer.data(), buffer.data() + got, '\n'));
    length -= got;
  }
  return newlines;
}

} // namespace

Result<std::vector<LedgerEntry>> parse_ledger(std::string_view text, const std::string &path)
{
  return parse_ordered(split_lines(text), path, 0);
}

Result<std::optional<LedgerEntry>> read_last_ledger_entry(const std::string &path)
{
  // A FIFO or device in the work tree would block or never end the tail read below.
  struct stat info {
  };
  if (::lstat(path.c_str(), &info) != 0)
    return std::optional<LedgerEntry>(); // no ledger yet
  if (!S_ISREG(info.st_mode))
    return make_error(path + " is not a regular file: restore the ledger from git history");
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in)
    return std::optional<LedgerEntry>(); // no ledger yet
  std::streamoff size = in.tellg();
  constexpr std::streamoff tail_size = 64 * 1024;
  std::streamoff start = size > tail_size ? size - tail_size : 0;
  in.seekg(start);
  std::string tail(static_cast<std::size_t>(size - start), '\0');
  in.read(tail.data(), static_cast<std::streamsize>(tail.size()));
  if (!in)
    return make_error(path + ": cannot read the ledger's tail");
  std::string_view whole(tail);
  // Mid-file, the tail's first line may be cut: only lines after its first newline are whole.
  std::size_t skipped = 0;
  if (start > 0) {
    std::size_t first_newline = whole.find('\n');
    if (first_newline == std::string_view::npos ||
        whole.find_first_not_of("\r\n", first_newline) == std::string_view::npos) {
      return make_error(path +
                        ": the last ledger line is longer than 64 KiB: the ledger is damaged, restore it from git");
    }
    whole.remove_prefix(first_newline + 1);
    skipped = 1;
  }
  auto lines = split_lines(whole);
  if (lines.empty())
    return std::optional<LedgerEntry>();
  auto entries = parse_ordered(lines, path, 0);
  if (!entries && start > 0) {
    // Messages name lines counted from the file's start: only an error pays for counting them.
    RELGATE_ASSIGN_OR_RETURN(auto head_lines, count_newlines(path, start));
    RELGATE_TRY(parse_ordered(lines, path, head_lines + skipped));
  }
  RELGATE_TRY(entries);
  return std::optional<LedgerEntry>(std::move(entries->back()));
}

Result<std::vector<LedgerEntry>> read_ledger(const std::string &path)
{
  if (!file_exists(path))
    return std::vector<LedgerEntry>();
  RELGATE_ASSIGN_OR_RETURN(auto text, read_file(path));
  return parse_ledger(text, path);
}

Result<void> check_ledger_matches_state(const std::string &repo, const std::string &app, const std::string &env,
                                        int64_t state_seq)
{
  const auto paths = env_paths(app, env);
  RELGATE_ASSIGN_OR_RETURN(auto ledger_path, safe_path(repo, paths.ledger));
  RELGATE_ASSIGN_OR_RETURN(auto last_entry, read_last_ledger_entry(ledger_path));
  if (last_entry && !last_entry->app.empty() && last_entry->app != app) {
    return make_error(ledger_path + ": newest entry #" + std::to_string(last_entry->seq) + " names application '" +
                      printable_excerpt(last_entry->app, 63) + "' but the ledger belongs to '" + app +
                      "' (a line copied from another ledger?): restore it from git history");
  }
  int64_t last_seq = last_entry ? last_entry->seq : 0;
  if (last_seq != state_seq) {
    return make_error(
        ledger_path + ": newest entry is #" + std::to_string(last_seq) + " but " + paths.state + " expects #" +
        std::to_string(state_seq) +
        ": the files were edited by hand or restored from different commits; restore both from one commit");
  }
  return ok_result();
}

std::string current_actor()
{
  for (const char *name : {"GITHUB_ACTOR", "GITLAB_USER_LOGIN", "USER"}) {
    const char *value = std::getenv(name);
    if (value != nullptr && *value != '\0')
      return value;
  }
  return "unknown";
}

} // namespace relgate::gitops
