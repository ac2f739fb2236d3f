// Turning the command line and the policy into a run: which source, which targets, overrides
// of the policy's plan, and how long the plan needs at least.
#pragma once

#include "cli_options.hpp"
#include "metric_sources.hpp"
#include "slo_policy.hpp"

#include <memory>
#include <string>
#include <vector>

namespace relgate::slo
{

struct SourceChoice {
  std::unique_ptr<MetricSource> source;
  std::vector<Target> targets;
  std::string judged_role;
  bool comparing = false;
  std::vector<std::string> files;
};

// Exactly one source; roles for the comparison; PromQL objectives only with --prometheus.
Result<SourceChoice> choose_source(const ParsedArgs &args, const SloPolicy &policy, const HttpSettings &http);
// --window, --interval, --count, --request-timeout, --attempts and the credential options.
// Under --watch, --interval and --count are about samples, not measurements: plan_flags = false.
Result<void> apply_overrides(const ParsedArgs &args, SloPolicy &policy, HttpSettings &http, bool plan_flags = true);
// The least the plan needs: windows waited (scrapes) and intervals between measurements.
Duration planned_duration(const SloPolicy &policy, bool waits_window);

} // namespace relgate::slo
