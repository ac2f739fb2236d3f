#include "evaluation.hpp"

#include <algorithm>
#include <cstdio>

namespace relgate::scan
{

namespace
{

constexpr std::size_t examples_in_reason = 3;

std::string format_score(double value, int decimals)
{
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// "CVE-1 (musl 1.2), CVE-2 (...) (+3 more)"
std::string examples(const std::vector<const Finding *> &list)
{
  std::string text;
  for (std::size_t i = 0; i < list.size() && i < examples_in_reason; ++i) {
    if (i)
      text += ", ";
    text += describe_finding(*list[i]);
  }
  if (list.size() > examples_in_reason)
    text += " (+" + std::to_string(list.size() - examples_in_reason) + " more)";
  return text;
}

bool allow_entry_matches(const AllowEntry &entry, const Finding &finding)
{
  if (!finding.has_id(entry.id))
    return false;
  if (!entry.package)
    return true;
  if (*entry.package == finding.package)
    return true;
  return entry.package->rfind("pkg:", 0) == 0 && product_matches(*entry.package, finding);
}

std::string date_only(const std::string &text)
{
  return text.size() > 10 && text[4] == '-' ? text.substr(0, 10) : text;
}

} // namespace

std::string describe_finding(const Finding &finding)
{
  std::string text = finding.id + " in " + finding.package;
  if (!finding.version.empty())
    text += " " + finding.version;
  if (!finding.fixed_version.empty())
    text += " -> " + finding.fixed_version;
  return text;
}

Evaluation evaluate(const std::deque<Finding> &findings, const ScanPolicy &policy, const EvaluationInputs &inputs)
{
  Evaluation result;
  result.unique = findings.size();
  for (Severity severity : all_severities) {
    result.counts[static_cast<std::size_t>(severity)].limit = policy.max[static_cast<std::size_t>(severity)];
  }

  // Allow entries that cannot be used are DENY reasons of their own, never silently skipped.
  std::vector<bool> allow_usable(policy.allow.size(), true);
  std::vector<std::string> allow_problems;
  for (std::size_t i = 0; i < policy.allow.size(); ++i) {
    const AllowEntry &entry = policy.allow[i];
    std::string label =
        "[[allow]] entry " + std::to_string(entry.number) + " (" + entry.id + ", " + entry.location + ")";
    if (entry.expires_text && !entry.expires) {
      allow_usable[i] = false;
      allow_problems.push_back(label + ": expires '" + *entry.expires_text +
                               "' is not a date; write YYYY-MM-DD or an RFC 3339 time");
    } else if (entry.expires && *entry.expires <= inputs.now) {
      allow_usable[i] = false;
      allow_problems.push_back(label + " expired on " + date_only(*entry.expires_text) +
                               ": fix the finding or renew the exception with a new date");
    }
  }

  std::vector<JudgedFinding> judged;
  judged.reserve(findings.size());
  std::array<std::vector<const Finding *>, severity_count> counted_by_severity;
  std::vector<const Finding *> kev_hits, epss_hits, cvss_hits, id_hits, unknown_hits;

  for (const Finding &finding : findings) {
    JudgedFinding j;
    j.finding = &finding;
    SeverityCount &count = result.counts[static_cast<std::size_t>(finding.severity)];
    ++count.found;

    if (inputs.vex) {
      if (const VexStatement *statement = inputs.vex->match(finding); statement && statement->suppresses) {
        j.suppressed_by = "VEX " + statement->status +
                          (statement->justification.empty() ? "" : " (" + statement->justification + ")") + ", " +
                          statement->source;
      }
    }
    if (j.suppressed_by.empty() && !finding.inline_vex.empty())
      j.suppressed_by = finding.inline_vex;
    if (j.suppressed_by.empty()) {
      for (std::size_t i = 0; i < policy.allow.size(); ++i) {
        if (allow_usable[i] && allow_entry_matches(policy.allow[i], finding)) {
          j.suppressed_by = "[[allow]] entry " + std::to_string(policy.allow[i].number) + ": " + policy.allow[i].reason;
          break;
        }
      }
    }
    if (!j.suppressed_by.empty()) {
      ++count.suppressed;
      ++result.suppressed_total;
      result.suppressed.push_back(std::move(j));
      continue;
    }

    // KEV and EPSS by the CVE id, also through aliases (Grype's related records).
    const KevEntry *kev = nullptr;
    std::optional<double> epss = finding.epss_in_report;
    auto look_up = [&](const std::string &id) {
      if (id.rfind("CVE-", 0) != 0)
        return;
      if (inputs.kev && !kev)
        kev = inputs.kev->find(id);
      if (inputs.epss) {
        if (const EpssScore *score = inputs.epss->find(id); score && (!epss || score->probability > *epss)) {
          epss = score->probability;
        }
      }
    };
    look_up(finding.id);
    for (const auto &alias : finding.aliases)
      look_up(alias);
    j.in_kev = kev != nullptr || finding.kev_in_report;
    j.epss = epss;
    if (j.in_kev)
      ++result.kev_matches;

    if (policy.deny_kev && j.in_kev) {
      j.why.push_back("in " +
                      (kev ? inputs.kev_label + (kev->date_added.empty() ? "" : " (added " + kev->date_added + ")")
                           : std::string("CISA KEV (per the scanner)")));
      kev_hits.push_back(&finding);
    }
    if (policy.epss_above && epss && *epss > *policy.epss_above) {
      j.why.push_back("EPSS " + format_score(*epss, 4) + " > " + format_score(*policy.epss_above, 4));
      epss_hits.push_back(&finding);
    }
    if (policy.cvss_at_least && finding.cvss && *finding.cvss >= *policy.cvss_at_least) {
      j.why.push_back("CVSS " + format_score(*finding.cvss, 1) + " >= " + format_score(*policy.cvss_at_least, 1));
      cvss_hits.push_back(&finding);
    }
    for (const auto &denied : policy.deny_ids) {
      if (finding.has_id(denied)) {
        j.why.push_back("on the [deny] ids list");
        id_hits.push_back(&finding);
        break;
      }
    }
    if (policy.deny_unknown_severity && finding.severity == Severity::unknown) {
      j.why.push_back("unknown severity ([deny] unknown_severity)");
      unknown_hits.push_back(&finding);
    }
    j.counted = !policy.only_fixable || finding.fix == FixState::fixed;
    if (j.counted) {
      ++count.counted;
      ++result.counted_total;
      counted_by_severity[static_cast<std::size_t>(finding.severity)].push_back(&finding);
    }
    judged.push_back(std::move(j));
  }

  // Findings counted at a severity over its limit all deny: any of them could be the one too many.
  for (auto &j : judged) {
    const SeverityCount &count = result.counts[static_cast<std::size_t>(j.finding->severity)];
    if (j.counted && count.over()) {
      j.why.insert(j.why.begin(), std::string(severity_name(j.finding->severity)) + " over its limit (" +
                                      std::to_string(count.counted) + " counted, max " + std::to_string(*count.limit) +
                                      ")");
    }
    if (!j.why.empty())
      result.denying.push_back(std::move(j));
  }
  std::stable_sort(result.denying.begin(), result.denying.end(), [](const JudgedFinding &a, const JudgedFinding &b) {
    if (a.finding->severity != b.finding->severity)
      return a.finding->severity < b.finding->severity;
    if (a.finding->id != b.finding->id)
      return a.finding->id < b.finding->id;
    return a.finding->package < b.finding->package;
  });

  std::string counting = policy.only_fixable ? " fixable" : "";
  for (Severity severity : all_severities) {
    const SeverityCount &count = result.counts[static_cast<std::size_t>(severity)];
    if (!count.limit)
      continue;
    GateCheck check{"max " + std::string(severity_name(severity)), !count.over(),
                    std::to_string(count.counted) + " counted, max " + std::to_string(*count.limit)};
    if (count.over()) {
      std::string reason = std::to_string(count.counted) + counting + " " + std::string(severity_name(severity)) +
                           " finding" + (count.counted == 1 ? "" : "s") + " counted, policy allows " +
                           std::to_string(*count.limit) + ": " +
                           examples(counted_by_severity[static_cast<std::size_t>(severity)]) +
                           "; upgrade, or suppress with VEX or an [[allow]] entry";
      result.reasons.push_back(reason);
      check.message = reason;
    }
    result.checks.push_back(std::move(check));
  }
  auto rule = [&](bool enabled, const std::string &name, const std::vector<const Finding *> &hits,
                  const std::string &what, const std::string &clean_note = "no finding") {
    if (!enabled)
      return;
    GateCheck check{name, hits.empty(), hits.empty() ? clean_note : ""};
    if (!hits.empty()) {
      std::string reason =
          std::to_string(hits.size()) + " finding" + (hits.size() == 1 ? " " : "s ") + what + ": " + examples(hits);
      result.reasons.push_back(reason);
      check.message = reason;
    }
    result.checks.push_back(std::move(check));
  };
  rule(policy.deny_kev, "kev", kev_hits,
       std::string(kev_hits.size() == 1 ? "is" : "are") + " in " +
           (inputs.kev ? inputs.kev_label : std::string("CISA KEV")) + " (known exploited)",
       inputs.kev ? "no finding" : "no finding (no --kev catalogue: only KEV flags inside the reports were checked)");
  rule(policy.epss_above.has_value(), "epss", epss_hits,
       "with EPSS above " + format_score(policy.epss_above.value_or(0), 4),
       inputs.epss ? "no finding" : "no finding (no --epss file: only EPSS scores inside the reports were checked)");
  rule(policy.cvss_at_least.has_value(), "cvss", cvss_hits,
       "with CVSS >= " + format_score(policy.cvss_at_least.value_or(0), 1));
  rule(!policy.deny_ids.empty(), "deny ids", id_hits, "on the [deny] ids list");
  rule(policy.deny_unknown_severity, "unknown severity", unknown_hits,
       "with unknown severity ([deny] unknown_severity)");
  if (!policy.allow.empty()) {
    GateCheck check{"allow entries valid", allow_problems.empty(), allow_problems.empty() ? "all current" : ""};
    for (const auto &problem : allow_problems) {
      result.reasons.push_back(problem);
      check.message += (check.message.empty() ? "" : "; ") + problem;
    }
    result.checks.push_back(std::move(check));
  }
  return result;
}

} // namespace relgate::scan
