#include "report_render.hpp"

#include "encoding.hpp"

namespace relgate
{

namespace
{

const char *colour_for(Decision decision)
{
  switch (decision) {
  case Decision::allow:
    return "\033[1;32m";
  case Decision::deny:
    return "\033[1;31m";
  case Decision::inconclusive:
    return "\033[1;33m";
  case Decision::error:
    return "\033[1;31m";
  }
  return "";
}

} // namespace

std::string render_text(const std::string &step, const StepOutcome &outcome, bool color)
{
  std::string out = step + ": ";
  const std::string name(decision_name(outcome.decision));
  out += color ? std::string(colour_for(outcome.decision)) + name + "\033[0m" : name;
  out += "\n";
  // Reasons quote inputs (package names, label values, paths): one line each, no control bytes.
  // The details are the step's own lines; fields in them are escaped by the step, this is the net.
  for (const auto &reason : outcome.reasons)
    out += "  - " + printable_line(reason) + "\n";
  if (!outcome.text_details.empty()) {
    out += printable_lines(outcome.text_details);
    if (out.back() != '\n')
      out += "\n";
  }
  return out;
}

std::string render_json(const std::string &step, const StepOutcome &outcome, const std::string &evidence_note)
{
  JsonDocument document;
  document.SetObject();
  auto &allocator = document.GetAllocator();
  set_member(document, "step", step, allocator);
  set_member(document, "decision", decision_name(outcome.decision), allocator);
  set_member(document, "reasons", json_string_array(outcome.reasons, allocator), allocator);
  JsonValue summary;
  summary.CopyFrom(outcome.summary, allocator);
  set_member(document, "summary", std::move(summary), allocator);
  JsonValue checks(rapidjson::kArrayType);
  for (const auto &check : outcome.checks) {
    JsonValue item(rapidjson::kObjectType);
    set_member(item, "name", check.name, allocator);
    set_member(item, "passed", JsonValue(check.passed), allocator);
    if (check.inconclusive)
      set_member(item, "inconclusive", JsonValue(true), allocator);
    set_member(item, "message", check.message, allocator);
    checks.PushBack(item, allocator);
  }
  set_member(document, "checks", std::move(checks), allocator);
  if (!evidence_note.empty())
    set_member(document, "evidence", evidence_note, allocator);
  // The anchor a later job can demand (promote --expect-evidence-head), also for logs and scripts.
  for (const auto &[name, value] : outcome.outputs) {
    if (name == "evidence-head")
      set_member(document, "evidence_head", value, allocator);
  }
  return to_pretty_json(document) + "\n";
}

} // namespace relgate
