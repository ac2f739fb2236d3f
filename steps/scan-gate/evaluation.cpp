#include "evaluation.hpp"

#include "text_join.hpp"

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

// Up to examples_in_reason findings named in a reason, and how many there were in all.
struct RuleHits {
  std::size_t count = 0;
  std::vector<std::string> first;
  // `named()` gives the finding with its texts; called only for the ones the reason names.
  template <typename Named> void add(Named &&named)
  {
    if (first.size() < examples_in_reason)
      first.push_back(describe_finding(named()));
    ++count;
  }
  bool empty() const { return count == 0; }
};

// "CVE-1 (musl 1.2), CVE-2 (...) (+3 more)"
std::string examples(const RuleHits &hits)
{
  std::string text = join(hits.first, ", ");
  if (hits.count > examples_in_reason)
    text += " (+" + std::to_string(hits.count - examples_in_reason) + " more)";
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

// The deny rules a finding can break besides [max] (bits of Judgement::rules, in `why` order).
enum Rule : unsigned { rule_kev, rule_epss, rule_cvss, rule_ids, rule_unknown, rule_count };
constexpr uint8_t state_counted = 1;
constexpr uint8_t state_denied_by_rule = 2;

struct Judgement {
  JudgedFinding judged;
  unsigned rules = 0;
};

// Whether judge() reads the texts a finding is named by (ids, aliases, package, purl). Without
// such inputs it decides on the facts alone, which load without copying texts (a dense report's
// quarter of a million findings). Every text judge() reads must sit behind one of these.
bool judge_reads_texts(const ScanPolicy &policy, const EvaluationInputs &inputs)
{
  const bool vex = inputs.vex && inputs.vex->statement_count() != 0; // no statement matches nothing
  return vex || inputs.kev || inputs.epss || !policy.allow.empty() || !policy.deny_ids.empty();
}

// Everything about one finding but [max], which needs the totals: suppression (VEX, the report
// itself, [[allow]]), KEV and EPSS lookups, the deny rules, and whether it counts.
Judgement judge(const Finding &finding, const ScanPolicy &policy, const EvaluationInputs &inputs,
                const std::vector<bool> &allow_usable)
{
  Judgement judgement;
  JudgedFinding &j = judgement.judged;
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
  if (!j.suppressed_by.empty())
    return judgement;

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

  if (policy.deny_kev && j.in_kev) {
    j.why.push_back("in " +
                    (kev ? inputs.kev_label + (kev->date_added.empty() ? "" : " (added " + kev->date_added + ")")
                         : std::string("CISA KEV (per the scanner)")));
    judgement.rules |= 1u << rule_kev;
  }
  if (policy.epss_above && epss && *epss > *policy.epss_above) {
    j.why.push_back("EPSS " + format_score(*epss, 4) + " > " + format_score(*policy.epss_above, 4));
    judgement.rules |= 1u << rule_epss;
  }
  if (policy.cvss_at_least && finding.cvss && *finding.cvss >= *policy.cvss_at_least) {
    j.why.push_back("CVSS " + format_score(*finding.cvss, 1) + " >= " + format_score(*policy.cvss_at_least, 1));
    judgement.rules |= 1u << rule_cvss;
  }
  for (const auto &denied : policy.deny_ids) {
    if (finding.has_id(denied)) {
      j.why.push_back("on the [deny] ids list");
      judgement.rules |= 1u << rule_ids;
      break;
    }
  }
  if (policy.deny_unknown_severity && finding.severity == Severity::unknown) {
    j.why.push_back("unknown severity ([deny] unknown_severity)");
    judgement.rules |= 1u << rule_unknown;
  }
  j.counted = !policy.only_fixable || finding.fix == FixState::fixed;
  return judgement;
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

Evaluation evaluate(const FindingSet &findings, const ScanPolicy &policy, const EvaluationInputs &inputs,
                    std::size_t detail_cap)
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

  // Pass 1 over every finding: counts, rule hits, and one byte of state each. Full findings are
  // kept only for the lists' first detail_cap entries.
  const std::size_t total = findings.size();
  std::array<RuleHits, severity_count> counted_by_severity;
  std::array<RuleHits, rule_count> rule_hits;
  std::vector<uint8_t> state(total, 0);
  Finding scratch;
  const bool texts_judged = judge_reads_texts(policy, inputs);
  for (std::size_t i = 0; i < total; ++i) {
    bool texts_loaded = texts_judged;
    if (texts_judged)
      findings.load(i, scratch);
    else
      findings.load_facts(i, scratch);
    auto named = [&]() -> const Finding & {
      if (!texts_loaded) {
        findings.load(i, scratch);
        texts_loaded = true;
      }
      return scratch;
    };
    SeverityCount &count = result.counts[static_cast<std::size_t>(scratch.severity)];
    ++count.found;
    Judgement judgement = judge(scratch, policy, inputs, allow_usable);
    JudgedFinding &j = judgement.judged;
    if (!j.suppressed_by.empty()) {
      ++count.suppressed;
      ++result.suppressed_total;
      if (result.suppressed.size() < detail_cap) {
        j.finding = &result.details.emplace_back(named());
        result.suppressed.push_back(std::move(j));
      }
      continue;
    }
    if (j.in_kev)
      ++result.kev_matches;
    for (std::size_t rule = 0; rule < rule_count; ++rule) {
      if (judgement.rules & (1u << rule))
        rule_hits[rule].add(named);
    }
    if (j.counted) {
      ++count.counted;
      ++result.counted_total;
      counted_by_severity[static_cast<std::size_t>(scratch.severity)].add(named);
    }
    state[i] = static_cast<uint8_t>((j.counted ? state_counted : 0) | (j.why.empty() ? 0 : state_denied_by_rule));
  }

  // Findings counted at a severity over its limit all deny: any of them could be the one too many.
  std::vector<uint32_t> denying;
  for (std::size_t i = 0; i < total; ++i) {
    const bool over =
        (state[i] & state_counted) && result.counts[static_cast<std::size_t>(findings.severity(i))].over();
    if (over || (state[i] & state_denied_by_rule))
      denying.push_back(static_cast<uint32_t>(i));
  }
  std::vector<uint8_t>().swap(state);
  // Worst severity first, then id and package; equal keys keep report order (the index breaks
  // ties, so this is the stable order). Only the printed head needs sorting.
  auto worse_first = [&](uint32_t a, uint32_t b) {
    if (findings.severity(a) != findings.severity(b))
      return findings.severity(a) < findings.severity(b);
    if (const int by_id = findings.id(a).compare(findings.id(b)); by_id != 0)
      return by_id < 0;
    if (const int by_package = findings.package(a).compare(findings.package(b)); by_package != 0)
      return by_package < 0;
    return a < b;
  };
  const std::size_t printed = std::min(denying.size(), detail_cap);
  if (printed == denying.size())
    std::sort(denying.begin(), denying.end(), worse_first);
  else
    std::partial_sort(denying.begin(), denying.begin() + static_cast<std::ptrdiff_t>(printed), denying.end(),
                      worse_first);
  result.denying_total = denying.size();
  // Pass 2, over the printed ones only: judged again (the same inputs give the same answer).
  for (std::size_t k = 0; k < denying.size() && k < detail_cap; ++k) {
    const Finding &finding = result.details.emplace_back(findings.at(denying[k]));
    JudgedFinding j = judge(finding, policy, inputs, allow_usable).judged;
    j.finding = &finding;
    const SeverityCount &count = result.counts[static_cast<std::size_t>(finding.severity)];
    if (j.counted && count.over()) {
      j.why.insert(j.why.begin(), std::string(severity_name(finding.severity)) + " over its limit (" +
                                      std::to_string(count.counted) + " counted, max " + std::to_string(*count.limit) +
                                      ")");
    }
    result.denying.push_back(std::move(j));
  }

  std::string counting = policy.only_fixable ? " fixable" : "";
  for (Severity severity : all_severities) {
    const SeverityCount &count = result.counts[static_cast<std::size_t>(severity)];
    if (!count.limit)
      continue;
    CheckResult check{"max " + std::string(severity_name(severity)), !count.over(),
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
  auto rule = [&](bool enabled, const std::string &name, const RuleHits &hits, const std::string &what,
                  const std::string &clean_note = "no finding") {
    if (!enabled)
      return;
    CheckResult check{name, hits.empty(), hits.empty() ? clean_note : ""};
    if (!hits.empty()) {
      std::string reason =
          std::to_string(hits.count) + " finding" + (hits.count == 1 ? " " : "s ") + what + ": " + examples(hits);
      result.reasons.push_back(reason);
      check.message = reason;
    }
    result.checks.push_back(std::move(check));
  };
  const RuleHits &kev_hits = rule_hits[rule_kev];
  rule(policy.deny_kev, "kev", kev_hits,
       std::string(kev_hits.count == 1 ? "is" : "are") + " in " +
           (inputs.kev ? inputs.kev_label : std::string("CISA KEV")) + " (known exploited)",
       inputs.kev ? "no finding" : "no finding (no --kev catalogue: only KEV flags inside the reports were checked)");
  rule(policy.epss_above.has_value(), "epss", rule_hits[rule_epss],
       "with EPSS above " + format_score(policy.epss_above.value_or(0), 4),
       inputs.epss ? "no finding" : "no finding (no --epss file: only EPSS scores inside the reports were checked)");
  rule(policy.cvss_at_least.has_value(), "cvss", rule_hits[rule_cvss],
       "with CVSS >= " + format_score(policy.cvss_at_least.value_or(0), 1));
  rule(!policy.deny_ids.empty(), "deny ids", rule_hits[rule_ids], "on the [deny] ids list");
  rule(policy.deny_unknown_severity, "unknown severity", rule_hits[rule_unknown],
       "with unknown severity ([deny] unknown_severity)");
  if (!policy.allow.empty()) {
    CheckResult check{"allow entries valid", allow_problems.empty(),
                      allow_problems.empty() ? "all current" : join(allow_problems, "; ")};
    result.reasons.insert(result.reasons.end(), allow_problems.begin(), allow_problems.end());
    result.checks.push_back(std::move(check));
  }
  return result;
}

} // namespace relgate::scan
