// The audit as data: everything every format prints, derived once from the validated inputs.
// Formats only render it (summary, markdown, prom, json, html).
#pragma once

#include "audit_inputs.hpp"
#include "decision.hpp"
#include "release_summary.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace relgate::audit
{

// One evidence record (a gate decision or an action), deduplicated across files by record id.
struct RecordView {
  std::string time; // started_at
  TimePoint at;
  std::string step;
  Decision decision = Decision::error;
  std::string app; // the evidence file's application (evidence_app)
  std::string env;
  std::optional<int64_t> stage;
  std::string release_id; // the evidence file's release (header or promote records)
  std::string subject;    // digest
  std::vector<std::string> reasons;
  double duration_seconds = 0;
  std::string who;      // CI actor / user, "" when not recorded
  std::string evidence; // path of the first file holding it
  bool drill = false;   // a rollback record in drill mode
};

struct TimelineEvent {
  std::string time;
  TimePoint at;
  std::string kind; // gate | promote | rollback | drill
  std::string app;  // "" = the single-application layout
  std::string env;  // "" = not scoped
  std::string what; // "scan-gate", "promote 10%", "rollback", "drill"
  std::string release_id;
  std::string outcome; // ALLOW / DENY / canary / stable / rolled-back / success / failed
  std::string who;
  std::string why;
};

struct PolicyUse {
  std::string path;
  std::string sha256;
  int64_t version = 0;
  std::vector<std::string> steps;
  std::size_t records = 0;
  std::string first_used;
  std::string last_used;
};

struct GateStats {
  std::string gate;
  std::size_t allow = 0, deny = 0, inconclusive = 0, error = 0;
  std::size_t total() const { return allow + deny + inconclusive + error; }
  std::optional<double> deny_ratio;
  std::vector<double> durations_seconds;
  std::optional<double> p50_seconds, p99_seconds;
  double duration_sum_seconds = 0;
};

struct EnvView {
  std::string app;
  std::string env;
  std::string image;
  std::string stable_release, stable_digest, stable_since;
  std::string canary_release, canary_digest;
  int64_t canary_weight = 0;
  std::string updated_at;
  std::size_t ledger_entries = 0;
};

struct EnvDora {
  std::string app;
  std::string env;
  std::size_t deployments = 0;           // distinct releases promoted into the env
  std::size_t deployments_in_window = 0; // first promoted within the window
  double frequency_per_day = 0;
  std::size_t failed = 0; // rolled back or rejected
  std::optional<double> change_failure_ratio;
  std::vector<std::string> failed_releases;
};

struct LeadTime {
  std::string app;
  std::string release_id;
  std::string env;
  std::string commit_time;
  std::string deployed_at;
  double seconds = 0;
};

struct Recovery {
  std::string app;
  std::string release_id; // rolled back
  std::string env;
  std::string denied_at;   // the DENY that triggered it
  std::string restored_at; // the rollback's ledger time
  double seconds = 0;
};

struct DrillRun {
  std::string time;
  TimePoint at;
  std::string app;
  std::string env;
  bool success = false;
  std::string failed_phase;
  std::map<std::string, std::optional<double>> phases_ms; // rollback, converge, post_check, roll_forward
  std::optional<double> recovery_ms;
  std::string from_digest, to_digest, to_release;
  std::optional<double> baseline_error_rate, baseline_p99_seconds, post_error_rate, post_p99_seconds;
  std::string reason;
  std::string source; // "evidence" or "ledger"
};

struct HistoryStats {
  std::string env;
  std::optional<int64_t> stage;
  std::size_t samples = 0, allow = 0, deny = 0, other = 0;
  std::string first_at, last_at;
  std::string last_decision;
  std::optional<double> last_error_rate, last_p99_seconds;
};

struct EvidenceView {
  std::string path;
  std::string sha256;
  std::string subject;
  std::string app;
  std::string release_id;
  std::size_t records = 0;
  std::size_t signed_records = 0;
  bool signatures_checked = false;
  std::string source_commit_time;
};

struct AuditReport {
  std::string generated_at;
  std::string repo;
  std::string production_env;    // lead time and recovery are measured here
  std::string app_filter;        // --app, "" = every application
  std::vector<std::string> apps; // the applications reported, sorted ("" = single-application layout)
  std::vector<EvidenceView> evidence;
  std::vector<std::string> history_files;
  std::vector<EnvView> envs;
  std::vector<RecordView> records; // every record, time order
  std::vector<TimelineEvent> timeline;
  std::vector<PolicyUse> policies;
  std::vector<GateStats> gates;
  std::vector<EnvDora> dora;
  std::vector<LeadTime> lead_times;
  std::optional<double> lead_time_p50, lead_time_p90;
  std::vector<Recovery> recoveries;
  std::optional<double> recovery_p50, recovery_p90;
  std::vector<DrillRun> drills;
  std::string drill_trend;
  std::vector<HistoryStats> history;
  std::vector<ReleaseSummary> releases; // one per evidence file
  std::vector<std::string> notes;       // blind spots, stated
};

constexpr int frequency_window_days = 30;

AuditReport build_report(const AuditInputs &inputs);

} // namespace relgate::audit
