#include "ci_log_guard.hpp"

#include "ci_context.hpp"

#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

namespace relgate
{

namespace
{

struct Replacements {
  const char *colon;   // a line's first visible ':'
  const char *bracket; // a '[' right after '#'
};

Replacements replacements_for(OutputDialect dialect)
{
  switch (dialect) {
  case OutputDialect::json:
    return {"\\u003a", "\\u005b"};
  case OutputDialect::xml:
    return {"&#58;", "&#91;"};
  case OutputDialect::text:
    break;
  }
  return {"%3A", "%5B"};
}

// One character through the line state machine. Bytes the runner may skip or ignore (controls,
// anything non-ASCII) keep the state, so "\u00ad::x" and "#\u200b#[x" are caught too.
template <typename Emit>
void neutralize_char(char c, bool &at_line_start, bool &after_hash, const Replacements &with, Emit emit)
{
  const auto byte = static_cast<unsigned char>(c);
  if (c == '\n' || c == '\r') { // the runner ends a line at either
    at_line_start = true;
    after_hash = false;
    emit(std::string_view(&c, 1));
  } else if (c == ' ') {
    after_hash = false;
    emit(std::string_view(&c, 1));
  } else if (byte < 0x20 || byte >= 0x7f) {
    emit(std::string_view(&c, 1));
  } else if (at_line_start && c == ':') {
    at_line_start = false;
    after_hash = false;
    emit(with.colon);
  } else if (after_hash && c == '[') {
    at_line_start = false;
    after_hash = false;
    emit(with.bracket);
  } else {
    at_line_start = false;
    after_hash = c == '#';
    emit(std::string_view(&c, 1));
  }
}

bool is_regular_file(int fd)
{
  struct stat info {
  };
  return ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
}

} // namespace

std::string neutralize_workflow_commands(std::string_view text, OutputDialect dialect)
{
  const Replacements with = replacements_for(dialect);
  std::string out;
  out.reserve(text.size());
  bool at_line_start = true;
  bool after_hash = false;
  for (char c : text)
    neutralize_char(c, at_line_start, after_hash, with, [&](std::string_view piece) { out += piece; });
  return out;
}

OutputDialect dialect_of(std::string_view rendering)
{
  const auto start = rendering.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos)
    return OutputDialect::text;
  if (rendering[start] == '{' || rendering[start] == '[')
    return OutputDialect::json;
  if (rendering[start] == '<')
    return OutputDialect::xml;
  return OutputDialect::text;
}

WorkflowCommandGuard::WorkflowCommandGuard(std::streambuf *target) : target_(target) {}

void WorkflowCommandGuard::put(char c)
{
  static const Replacements with = replacements_for(OutputDialect::text);
  neutralize_char(c, at_line_start_, after_hash_, with, [this](std::string_view piece) {
    target_->sputn(piece.data(), static_cast<std::streamsize>(piece.size()));
  });
}

WorkflowCommandGuard::int_type WorkflowCommandGuard::overflow(int_type c)
{
  if (traits_type::eq_int_type(c, traits_type::eof()))
    return traits_type::not_eof(c);
  put(traits_type::to_char_type(c));
  return c;
}

std::streamsize WorkflowCommandGuard::xsputn(const char *s, std::streamsize n)
{
  for (std::streamsize i = 0; i < n; ++i)
    put(s[i]);
  return n;
}

int WorkflowCommandGuard::sync()
{
  return target_->pubsync();
}

void WorkflowCommandGuard::write_command(std::string_view line)
{
  // A command must start its own line; data left mid-line would otherwise prefix it.
  if (!at_line_start_)
    target_->sputc('\n');
  target_->sputn(line.data(), static_cast<std::streamsize>(line.size()));
  at_line_start_ = true;
  after_hash_ = false;
  target_->pubsync();
}

bool is_guarded(const std::ostream &stream)
{
  return dynamic_cast<WorkflowCommandGuard *>(stream.rdbuf()) != nullptr;
}

void write_workflow_commands(std::ostream &stream, std::string_view lines)
{
  if (auto *guard = dynamic_cast<WorkflowCommandGuard *>(stream.rdbuf())) {
    stream.flush();
    guard->write_command(lines);
  } else {
    stream << lines;
    stream.flush();
  }
}

GithubLogGuard::GithubLogGuard()
{
  if (detect_ci_provider() != CiProvider::github)
    return;
  if (!is_regular_file(STDOUT_FILENO)) {
    out_guard_ = std::make_unique<WorkflowCommandGuard>(std::cout.rdbuf());
    saved_out_ = std::cout.rdbuf(out_guard_.get());
  }
  if (!is_regular_file(STDERR_FILENO)) {
    err_guard_ = std::make_unique<WorkflowCommandGuard>(std::cerr.rdbuf());
    saved_err_ = std::cerr.rdbuf(err_guard_.get());
  }
}

GithubLogGuard::~GithubLogGuard()
{
  if (saved_out_) {
    std::cout.flush();
    std::cout.rdbuf(saved_out_);
  }
  if (saved_err_) {
    std::cerr.flush();
    std::cerr.rdbuf(saved_err_);
  }
}

} // namespace relgate
