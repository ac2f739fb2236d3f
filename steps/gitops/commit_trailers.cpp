#include "commit_trailers.hpp"

namespace relgate::gitops
{
std::string message_line(std::string_view text)
{
  static constexpr char hex[] = "0123456789abcdef";
  std::string line;
  line.reserve(text.size());
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      line += "\\n";
    } else if (c == '\r') {
      line += "\\r";
    } else if (byte < 0x20 || byte == 0x7F) {
      line += "\\x";
      line += hex[byte >> 4];
      line += hex[byte & 0xF];
    } else {
      line += c;
    }
  }
  return line;
}

namespace
{

std::string single_line(std::string_view text)
{
  return message_line(text);
}

} // namespace

std::string commit_message(std::string_view title, const std::vector<std::string> &body_lines,
                           const CommitTrailers &trailers)
{
  std::string message = single_line(title) + "\n\n";
  bool any = false;
  for (const auto &line : body_lines) {
    // An empty line would end a paragraph: keep the body one paragraph.
    if (line.find_first_not_of(" \t") == std::string::npos)
      continue;
    message += single_line(line) + "\n";
    any = true;
  }
  if (any)
    message += '\n';
  if (!trailers.app.empty())
    message += "Relgate-App: " + single_line(trailers.app) + "\n";
  message += "Relgate-Release: " + single_line(trailers.release_id) + "\n";
  message += "Relgate-Env: " + single_line(trailers.env) + "\n";
  message += "Relgate-Digest: " + single_line(trailers.digest) + "\n";
  message += "Relgate-Evidence: " + single_line(trailers.evidence.empty() ? "none" : trailers.evidence) + "\n";
  message += "Relgate-Action: " + single_line(trailers.action) + "\n";
  if (!trailers.weight.empty())
    message += "Relgate-Weight: " + single_line(trailers.weight) + "\n";
  if (!trailers.rollback_of.empty())
    message += "Relgate-Rollback-Of: " + single_line(trailers.rollback_of) + "\n";
  if (!trailers.pinned_clock.empty())
    message += "Relgate-Pinned-Clock: " + single_line(trailers.pinned_clock) + "\n";
  return message;
}

std::map<std::string, std::string> parse_trailers(std::string_view message)
{
  while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
    message.remove_suffix(1);
  std::size_t paragraph = message.rfind("\n\n");
  std::string_view last = paragraph == std::string_view::npos ? message : message.substr(paragraph + 2);
  std::map<std::string, std::string> trailers;
  std::size_t start = 0;
  while (start < last.size()) {
    std::size_t end = last.find('\n', start);
    if (end == std::string_view::npos)
      end = last.size();
    auto line = last.substr(start, end - start);
    std::size_t colon = line.find(": ");
    if (colon == std::string_view::npos || colon == 0 || line.substr(0, colon).find(' ') != std::string_view::npos) {
      return {}; // not a trailer block
    }
    trailers[std::string(line.substr(0, colon))] = std::string(line.substr(colon + 2));
    start = end + 1;
  }
  return trailers;
}

} // namespace relgate::gitops
