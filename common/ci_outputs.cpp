#include "ci_outputs.hpp"

#include "ci_context.hpp"
#include "encoding.hpp"
#include "file_io.hpp"
#include "step_summary.hpp"
#include "text_join.hpp"
#include "utf8.hpp"

#include <openssl/rand.h>

#include <cctype>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <utility>
#include <vector>

namespace relgate
{

namespace
{

Result<std::string> random_delimiter()
{
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    return make_error("no random bytes from OpenSSL for a $GITHUB_OUTPUT delimiter");
  std::string hex = "ghadelimiter_";
  static const char digits[] = "0123456789abcdef";
  for (unsigned char b : bytes) {
    hex += digits[b >> 4];
    hex += digits[b & 15];
  }
  return hex;
}

// $GITHUB_OUTPUT: `k=v` only when the value cannot end the line (the runner splits on CR too),
// else `k<<DELIM` with a random delimiter the value does not contain, so no value adds a key.
Result<std::string> output_line(const std::string &key, const std::string &value)
{
  if (value.find_first_of("\r\n") == std::string::npos)
    return key + "=" + value + "\n";
  std::string delimiter;
  do {
    RELGATE_ASSIGN_OR_RETURN(delimiter, random_delimiter());
  } while (value.find(delimiter) != std::string::npos);
  return key + "<<" + delimiter + "\n" + value + "\n" + delimiter + "\n";
}

bool is_output_name(const std::string &key)
{
  if (key.empty() || !(std::isalpha(static_cast<unsigned char>(key[0])) || key[0] == '_'))
    return false;
  for (char c : key) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
      return false;
  }
  return true;
}

std::string single_line(const std::string &value)
{
  std::string out;
  for (char c : value)
    out += (c == '\n' || c == '\r') ? ' ' : c;
  return out;
}

} // namespace

std::string xml_escape(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Char c = next_utf8(text, pos);
    switch (c.valid ? c.code : 0xfffd) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&apos;";
      break;
    case 0xfffd:
    case 0xfffe:
    case 0xffff:
      // Bytes that are not UTF-8 and the two non-characters XML 1.0 excludes: a parser refuses the
      // whole document for one of them (GitLab then shows no test report at all).
      out += replacement_character;
      break;
    default:
      // XML 1.0 forbids most control characters even when escaped.
      if (c.code < 0x20 && c.code != '\n' && c.code != '\t' && c.code != '\r') {
        out += ' ';
      } else {
        out.append(text.substr(pos, c.length));
      }
    }
    pos += c.length;
  }
  return out;
}

std::string escape_workflow_command(const std::string &text, bool property)
{
  std::string out;
  for (char c : text) {
    switch (c) {
    case '%':
      out += "%25";
      break;
    case '\r':
      out += "%0D";
      break;
    case '\n':
      out += "%0A";
      break;
    case ':':
      out += property ? "%3A" : ":";
      break;
    case ',':
      out += property ? "%2C" : ",";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string dotenv_value(std::string_view value)
{
  std::string out;
  static const char digits[] = "0123456789ABCDEF";
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || std::string_view("._:/@+,-~_").find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += digits[byte >> 4];
      out += digits[byte & 15];
    }
  }
  return out;
}

std::string dotenv_key(const std::string &step, const std::string &name)
{
  std::string key = "RELGATE_";
  for (char c : step + "_" + name) {
    key += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                                                       : '_';
  }
  return key;
}

Result<void> write_github_outputs(const std::string &step, const StepOutcome &outcome, std::ostream &annotations)
{
  const std::string decision(decision_name(outcome.decision));
  const std::string title = escape_workflow_command("relgate " + step, true);
  if (outcome.decision == Decision::allow) {
    annotations << "::notice title=" << title << "::" << escape_workflow_command(step + ": ALLOW", false) << "\n";
  } else {
    const char *level = outcome.decision == Decision::inconclusive ? "warning" : "error";
    for (const auto &reason : outcome.reasons) {
      // Escaped as in the text report: the runner prints annotations into the job log, where a
      // newline from input would read as a line of its own and ESC / CR act on the viewer.
      annotations << "::" << level << " title=" << title
                  << "::" << escape_workflow_command(printable_line(reason), false) << "\n";
    }
    if (outcome.reasons.empty()) {
      annotations << "::" << level << " title=" << title << "::" << step << ": " << decision << "\n";
    }
  }

  if (const std::string path = env_or_empty("GITHUB_OUTPUT"); !path.empty()) {
    std::string content;
    const std::string reasons = join(outcome.reasons, "\n");
    std::vector<std::pair<std::string, std::string>> outputs = {
        {"decision", decision}, {"exit-code", std::to_string(exit_code_for(outcome.decision))}, {"reasons", reasons}};
    for (const auto &[key, value] : outcome.outputs) {
      // A step's own name cannot replace the decision, nor inject a line through the key.
      if (!is_output_name(key) || key == "decision" || key == "exit-code" || key == "reasons")
        return make_error("$GITHUB_OUTPUT: invalid or reserved output name '" + single_line(key) + "'");
      outputs.emplace_back(key, value);
    }
    for (const auto &[key, value] : outputs) {
      RELGATE_ASSIGN_OR_RETURN(auto line, output_line(key, value));
      content += line;
    }
    RELGATE_TRY(append_file(path, content));
  }
  if (const std::string path = env_or_empty("GITHUB_STEP_SUMMARY"); !path.empty()) {
    // Earlier runs in the same GitHub step may have filled the file: budget against what it holds.
    std::error_code absent; // a missing file holds nothing; another failure shows up in append_file
    const std::uintmax_t held = std::filesystem::file_size(path, absent);
    const std::size_t current = absent ? 0 : static_cast<std::size_t>(held);
    const std::string markdown = fit_step_summary(step, outcome, step_summary_budget(current));
    if (markdown.empty()) {
      annotations << "::warning title=" << title << "::"
                  << escape_workflow_command(step + ": no step summary written: $GITHUB_STEP_SUMMARY holds " +
                                                 std::to_string(current) +
                                                 " bytes already and GitHub drops a summary over 1 MiB whole; "
                                                 "the decision is in the job log and $GITHUB_OUTPUT",
                                             false)
                  << "\n";
    } else {
      RELGATE_TRY(append_file(path, markdown));
    }
  }
  return {};
}

std::string render_junit(const std::string &step, const StepOutcome &outcome,
                         const std::vector<std::string> &failure_details)
{
  std::size_t failures = 0;
  std::size_t skipped = 0;
  for (const auto &check : outcome.checks) {
    skipped += check.inconclusive ? 1 : 0;
    failures += check.passed || check.inconclusive ? 0 : 1;
  }
  const bool synthesize = outcome.checks.empty();
  // An error (bad input, unreachable dependency) is a JUnit <error>, not a failed check.
  const bool errored = synthesize && outcome.decision == Decision::error;
  if (synthesize && outcome.decision != Decision::allow && !errored)
    failures = 1;
  const std::size_t errors = errored ? 1 : 0;
  const std::size_t tests = synthesize ? 1 : outcome.checks.size();
  const std::string suite = xml_escape("relgate." + step);
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::string counts = " tests=\"" + std::to_string(tests) + "\" failures=\"" + std::to_string(failures) +
                             "\" errors=\"" + std::to_string(errors) + "\" skipped=\"" + std::to_string(skipped) + "\"";
  xml += "<testsuites name=\"relgate\"" + counts + ">\n";
  xml += "  <testsuite name=\"" + suite + "\"" + counts + ">\n";
  // element: "" = passed, else failure / error / skipped.
  auto testcase = [&](const std::string &name, const std::string &element, const std::string &message,
                      const std::string &detail) {
    xml += "    <testcase classname=\"" + suite + "\" name=\"" + xml_escape(name) + "\"";
    if (element.empty()) {
      xml += "/>\n";
      return;
    }
    xml += ">\n      <" + element + " message=\"" + xml_escape(single_line(message)) + "\">" +
           xml_escape(detail.empty() ? message : detail) + "</" + element + ">\n    </testcase>\n";
  };
  if (synthesize) {
    const std::string reasons = join(outcome.reasons, "\n");
    const std::string element = outcome.decision == Decision::allow ? "" : errored ? "error" : "failure";
    testcase(step + " decision", element,
             std::string(decision_name(outcome.decision)) + (reasons.empty() ? "" : ": " + reasons), "");
  } else {
    for (std::size_t i = 0; i < outcome.checks.size(); ++i) {
      const CheckResult &check = outcome.checks[i];
      const std::string element = check.passed ? "" : check.inconclusive ? "skipped" : "failure";
      testcase(check.name, element, check.message, i < failure_details.size() ? failure_details[i] : "");
    }
  }
  xml += "  </testsuite>\n</testsuites>\n";
  return xml;
}

Result<void> write_gitlab_outputs(const std::string &step, const StepOutcome &outcome)
{
  std::string dir = env_or_empty("RELGATE_REPORT_DIR");
  if (dir.empty())
    dir = "relgate-reports";
  std::error_code ignored; // a failure shows up as the write error below, with the path
  std::filesystem::create_directories(dir, ignored);
  const std::string decision_key = dotenv_key(step, "decision");
  std::string dotenv = decision_key + "=" + std::string(decision_name(outcome.decision)) + "\n";
  for (const auto &[key, value] : outcome.outputs) {
    if (dotenv_key(step, key) == decision_key)
      return make_error("dotenv: output '" + single_line(key) + "' would replace " + decision_key);
    dotenv += dotenv_key(step, key) + "=" + dotenv_value(value) + "\n";
  }
  RELGATE_TRY(write_file_atomic(dir + "/" + step + ".env", dotenv));
  RELGATE_TRY(write_file_atomic(dir + "/" + step + ".junit.xml", render_junit(step, outcome)));
  return {};
}

} // namespace relgate
