// What a live drill measures outside git: which digest the running service reports (a status URL,
// or a status command spawned with argv, never a shell), and its health by the slo-check executable
// (spawned with argv, options as --name=value so no value is ever read as another option).
#pragma once

#include "duration.hpp"
#include "result.hpp"

#include <optional>
#include <string>
#include <vector>

namespace relgate::rollback
{

struct StatusProbe {
  std::string url;              // GET; the body names the digest (JSON "digest" member, else anywhere)
  std::vector<std::string> cmd; // argv; its stdout names the digest the same way
  Duration request_timeout = Duration(2000);
};

// The sha256 digest the service reports now, or an error saying why none could be read.
Result<std::string> probe_running_digest(const StatusProbe &probe);
// From a status answer: the JSON object's "digest" member, else the only sha256:<64 hex> in the text.
Result<std::string> digest_in_status(const std::string &body);

struct HealthCheck {
  std::string slo_check; // path of the slo-check executable
  std::string policy;    // slo-check policy
  std::string metrics_url;
  std::string prometheus;
  Duration window = Duration(5000);
  std::string env;
};

struct Health {
  std::string decision; // ALLOW | DENY | INCONCLUSIVE | ERROR
  std::optional<double> error_rate;
  std::optional<double> p99_seconds;
  std::vector<std::string> reasons;
};

// One slo-check run; an error only when it could not run or its JSON could not be read.
Result<Health> measure_health(const HealthCheck &check);

struct BaselineTolerance {
  double error_rate = 0.005; // post error rate may exceed the baseline by this much (absolute)
  double p99_ratio = 1.25;   // post p99 may be this many times the baseline's
  double p99_slack_seconds = 0.005;
};

// "" when post is back to baseline (slo-check ALLOW, both figures measured and within tolerance),
// else why not.
std::string compare_to_baseline(const Health &baseline, const Health &post, const BaselineTolerance &tolerance);

// "0.1%", "41 ms": the drill's own figures, as people read them.
std::string percent_text(double fraction);
std::string millis_text(double seconds);

} // namespace relgate::rollback
