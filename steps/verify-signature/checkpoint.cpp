#include "checkpoint.hpp"

#include "encoding.hpp"
#include "signature_verify.hpp"

#include <charconv>

namespace relgate::sig
{

namespace
{

std::vector<std::string_view> split_lines(std::string_view text)
{
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

constexpr std::string_view em_dash_space = "\xE2\x80\x94 ";

} // namespace

Result<std::size_t> count_checkpoint_signatures(std::string_view text, const std::string &where)
{
  std::size_t separator = text.find("\n\n");
  if (separator == std::string_view::npos)
    return std::size_t{0};
  std::size_t count = 0;
  for (std::string_view line : split_lines(text.substr(separator + 2))) {
    if (!line.empty())
      ++count;
  }
  if (count > max_checkpoint_signatures) {
    return make_error(where + ": " + std::to_string(count) + " signature lines, more than the " +
                      std::to_string(max_checkpoint_signatures) +
                      " relgate reads; a log signs once and a few witnesses cosign: remove the copies");
  }
  return count;
}

Result<Checkpoint> parse_checkpoint(std::string_view text)
{
  std::size_t separator = text.find("\n\n");
  if (separator == std::string_view::npos) {
    return make_error("checkpoint: no blank line between the note body and its signatures");
  }
  RELGATE_TRY(count_checkpoint_signatures(text, "checkpoint"));
  Checkpoint checkpoint;
  checkpoint.signed_text = std::string(text.substr(0, separator + 1));
  auto body = split_lines(text.substr(0, separator));
  if (body.size() < 3)
    return make_error("checkpoint: body needs origin, tree size and root hash lines");
  checkpoint.origin = std::string(body[0]);
  if (checkpoint.origin.empty())
    return make_error("checkpoint: empty origin line");
  std::string_view size_text = body[1];
  auto [end, ec] = std::from_chars(size_text.data(), size_text.data() + size_text.size(), checkpoint.tree_size);
  if (ec != std::errc() || end != size_text.data() + size_text.size() || size_text.empty()) {
    return make_error("checkpoint: second line must be the tree size, got '" + printable_excerpt(size_text) + "'");
  }
  auto root = base64_decode(body[2]);
  if (!root || root->size() != 32) {
    return make_error("checkpoint: third line must be the base64 SHA-256 root hash, got '" +
                      printable_excerpt(body[2]) + "'");
  }
  checkpoint.root_hash = *root;
  for (std::size_t i = 3; i < body.size(); ++i)
    checkpoint.extra_lines.emplace_back(body[i]);

  for (std::string_view line : split_lines(text.substr(separator + 2))) {
    if (line.empty())
      continue;
    if (line.substr(0, em_dash_space.size()) != em_dash_space) {
      return make_error("checkpoint: signature line does not start with '\u2014 ': '" + printable_excerpt(line) + "'");
    }
    line.remove_prefix(em_dash_space.size());
    std::size_t space = line.rfind(' ');
    if (space == std::string_view::npos || space == 0) {
      return make_error("checkpoint: signature line needs '<name> <base64>'");
    }
    auto blob = base64_decode(line.substr(space + 1));
    if (!blob || blob->size() < 5)
      return make_error("checkpoint: signature is not base64 of hint and signature");
    checkpoint.signatures.push_back(
        NoteSignature{std::string(line.substr(0, space)), blob->substr(0, 4), blob->substr(4)});
  }
  if (checkpoint.signatures.empty())
    return make_error("checkpoint: no signature lines");
  return checkpoint;
}

Result<void> verify_checkpoint_signature(const Checkpoint &checkpoint, const PublicKey &log_key,
                                         std::string_view log_id)
{
  std::string hint(log_id.substr(0, 4));
  std::string host = checkpoint.origin.substr(0, checkpoint.origin.find(" - "));
  bool verified = false;
  for (const auto &line : checkpoint.signatures) {
    if (line.key_hint != hint)
      continue; // a witness or another key: not ours to judge
    if (line.name != checkpoint.origin && line.name != host)
      continue;
    auto checked = verify_message_signature(log_key, checkpoint.signed_text, line.signature);
    if (!checked) {
      return make_error("checkpoint signature by " + printable_excerpt(line.name) +
                        " does not verify with the log key");
    }
    verified = true;
  }
  if (!verified) {
    return make_error("checkpoint has no signature from the log (origin '" + printable_excerpt(checkpoint.origin) +
                      "', key hint " + hex_encode(hint) + ")");
  }
  return ok_result();
}

} // namespace relgate::sig
