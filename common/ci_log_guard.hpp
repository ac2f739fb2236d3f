// Keeps data printed by relgate from becoming a GitHub Actions workflow command.
//
// The runner parses every line of a step's stdout AND stderr: a line whose TrimStart() begins with
// "::" (`::add-mask::`, `::stop-commands::`, `::set-output`) and, through the legacy parser, a line
// containing "##[" ANYWHERE (`##[add-mask]x`); .NET compares culture-sensitively, so characters the
// collation ignores (soft hyphen, zero-width, controls) may sit between the trigger characters.
//
// Why neutralise each line rather than wrap the output in `::stop-commands::<token>`: stdout and
// stderr reach the runner through two pipes read concurrently, so a stop token on one stream does
// not reliably precede data on the other; an unclosed token (a crash) would swallow relgate's own
// annotations; and stdout must stay valid JSON/SARIF, where a token line cannot go. Neutralising is
// stateless per line, works on both streams, and for JSON/XML it preserves the data (\u005b, &#91;).
#pragma once

#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>

namespace relgate
{

enum class OutputDialect { text, json, xml };

// text: a line's first visible ':' becomes "%3A", a '[' after '#' becomes "%5B".
// json/xml: the same characters as \u003a/\u005b and &#58;/&#91; (same data once parsed).
std::string neutralize_workflow_commands(std::string_view text, OutputDialect dialect);
// json when the text starts with '{' or '[', xml with '<', else text.
OutputDialect dialect_of(std::string_view rendering);

// A streambuf that neutralises everything written through it (text dialect) into `target`.
// write_command() is the only way around it: relgate's own, escaped, annotations.
class WorkflowCommandGuard : public std::streambuf
{
public:
  explicit WorkflowCommandGuard(std::streambuf *target);
  void write_command(std::string_view line); // a whole, already escaped, command line
  std::streambuf *target() const { return target_; }

protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char *s, std::streamsize n) override;
  int sync() override;

private:
  void put(char c);
  std::streambuf *target_;
  bool at_line_start_ = true; // no visible character on this line yet
  bool after_hash_ = false;   // the last visible character was '#'
};

// True when `stream` writes through a WorkflowCommandGuard.
bool is_guarded(const std::ostream &stream);
// Relgate's own workflow commands: around the guard when there is one, else plain.
void write_workflow_commands(std::ostream &stream, std::string_view lines);

// While alive and GITHUB_ACTIONS=true, std::cout and std::cerr are guarded (except a stream
// redirected to a regular file: the runner never reads it, and its data stays byte-exact).
class GithubLogGuard
{
public:
  GithubLogGuard();
  ~GithubLogGuard();
  GithubLogGuard(const GithubLogGuard &) = delete;
  GithubLogGuard &operator=(const GithubLogGuard &) = delete;

private:
  std::unique_ptr<WorkflowCommandGuard> out_guard_, err_guard_;
  std::streambuf *saved_out_ = nullptr;
  std::streambuf *saved_err_ = nullptr;
};

} // namespace relgate
