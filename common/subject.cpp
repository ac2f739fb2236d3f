#include "subject.hpp"

namespace relgate
{

std::string Subject::str() const
{
  return name.empty() ? digest.str() : name + "@" + digest.str();
}

Result<Subject> parse_subject(std::string_view text)
{
  if (text.empty()) {
    return make_error("empty subject: expected NAME@sha256:<64 hex>");
  }
  const auto at = text.rfind('@');
  Subject subject;
  std::string_view digest_text = text;
  if (at != std::string_view::npos) {
    subject.name = std::string(text.substr(0, at));
    digest_text = text.substr(at + 1);
    if (subject.name.empty()) {
      return make_error("subject '" + std::string(text) + "': the name before '@' is empty");
    }
  } else if (!(text.starts_with("sha256:") || text.starts_with("sha384:") || text.starts_with("sha512:"))) {
    return make_error("subject '" + std::string(text) +
                      "' has no digest: expected NAME@sha256:<64 hex> (tags are mutable; pin the digest)");
  }
  auto digest = parse_digest(digest_text);
  if (!digest) {
    return make_error("subject '" + std::string(text) + "': " + digest.message());
  }
  subject.digest = std::move(*digest);
  return subject;
}

} // namespace relgate
