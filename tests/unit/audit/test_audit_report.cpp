#include "audit_report.hpp"
#include "release_summary.hpp"
#include "report_formats.hpp"

#include "json.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::audit;

namespace
{
std::string digest(char c)
{
  return "sha256:" + std::string(64, c);
}

EvidenceRecord record(const std::string &step, Decision decision, const std::string &time, const std::string &env,
                      std::optional<int64_t> stage, const std::string &summary_json = "{}",
                      std::vector<std::string> reasons = {}, int64_t duration_ms = 100)
{
  EvidenceRecord r;
  r.step = step;
  r.decision = decision;
  r.started_at = time;
  r.scope.env = env;
  r.scope.stage = stage;
  r.summary = *parse_json(summary_json, "test");
  r.reasons = std::move(reasons);
  r.duration_ms = duration_ms;
  r.ci = JsonDocument();
  return r;
}

EvidenceInput evidence(const std::string &path, char subject, const std::string &commit_time)
{
  EvidenceInput input;
  input.path = path;
  input.file.subject.name = "ghcr.io/acme/api";
  input.file.subject.digest = *parse_digest(digest(subject));
  input.source_commit_time = commit_time;
  return input;
}

gitops::LedgerEntry line(int64_t seq, const std::string &action, const std::string &release, char d, int64_t weight,
                         const std::string &time, const std::string &outcome, const std::string &rollback_of = "")
{
  gitops::LedgerEntry entry;
  entry.seq = seq;
  entry.action = action;
  entry.release_id = release;
  entry.digest = digest(d);
  entry.weight = weight;
  entry.time = time;
  entry.outcome = outcome;
  entry.actor = "bot";
  entry.rollback_of = rollback_of;
  return entry;
}

AuditInputs history()
{
  AuditInputs inputs;
  inputs.repo = "repo";
  inputs.now = *parse_rfc3339("2026-11-20T00:00:00Z");
  EnvInput prod;
  prod.app = "api";
  prod.env = "prod";
  prod.ledger.push_back(line(1, "promote", "rel-1", 'a', 10, "2026-11-17T10:30:00Z", "canary"));
  prod.ledger.push_back(line(2, "promote", "rel-1", 'a', 100, "2026-11-17T11:00:00Z", "stable"));
  prod.ledger.push_back(line(3, "promote", "rel-2", 'b', 10, "2026-11-18T10:30:00Z", "canary"));
  prod.ledger.push_back(line(4, "rollback", "rel-1", 'a', 100, "2026-11-18T10:45:00Z", "rolled-back", "rel-2"));
  inputs.envs.push_back(std::move(prod));

  EvidenceInput v1 = evidence("v1.json", 'a', "2026-11-17T08:00:00Z");
  v1.file.release_id = "rel-1";
  v1.file.records.push_back(record("verify-signature", Decision::allow, "2026-11-17T08:30:00Z", "", {}, "{}", {}, 40));
  v1.file.records.push_back(record("scan-gate", Decision::allow, "2026-11-17T08:31:00Z", "", {}, "{}", {}, 200));
  v1.file.records.push_back(
      record("promote", Decision::allow, "2026-11-17T10:30:00Z", "prod", {}, R"({"release_id":"rel-1","weight":10})"));
  v1.file.records.push_back(record("slo-check", Decision::allow, "2026-11-17T10:40:00Z", "prod", 10,
                                   R"({"error_rate":0,"latency_p99_seconds":0.048})"));
  v1.file.records.push_back(
      record("promote", Decision::allow, "2026-11-17T11:00:00Z", "prod", {}, R"({"release_id":"rel-1","weight":100})"));
  inputs.evidence.push_back(std::move(v1));

  EvidenceInput v2 = evidence("v2.json", 'b', "");
  v2.file.records.push_back(record("verify-signature", Decision::allow, "2026-11-18T08:30:00Z", "", {}, "{}", {}, 60));
  v2.file.records.push_back(record("scan-gate", Decision::deny, "2026-11-18T08:31:00Z", "", {}, "{}", {"CVE"}, 300));
  v2.file.records.push_back(record("scan-gate", Decision::allow, "2026-11-18T08:35:00Z", "", {}, "{}", {}, 400));
  v2.file.records.push_back(
      record("promote", Decision::allow, "2026-11-18T10:30:00Z", "prod", {}, R"({"release_id":"rel-2","weight":10})"));
  v2.file.records.push_back(
      record("slo-check", Decision::allow, "2026-11-18T10:32:00Z", "prod", 10, R"({"error_rate":0.001})"));
  v2.file.records.push_back(record("slo-check", Decision::deny, "2026-11-18T10:38:00Z", "prod", 10,
                                   R"({"error_rate":0.322,"latency_p99_seconds":0.25})", {"error rate 32.2% > 1%"}));
  v2.file.records.push_back(record("slo-check", Decision::deny, "2026-11-18T10:40:00Z", "prod", 10,
                                   R"({"error_rate":0.3,"latency_p99_seconds":0.25})", {"error rate 30.0% > 1%"}));
  v2.file.records.push_back(record("rollback", Decision::allow, "2026-11-18T10:45:00Z", "prod", {},
                                   R"({"rolled_back_release":"rel-2","target_release":"rel-1",)"
                                   R"("rolled_back_digest":")" +
                                       digest('b') + R"("})"));
  const std::string drill = R"({"mode":"drill","result":"success","failed_phase":"",)"
                            R"("phases_ms":{"rollback":900,"converge":500,"post_check":400,"roll_forward":700},)"
                            R"("recovery_ms":RECOVERY,"to_release":"rel-1"})";
  for (auto [time, recovery] : {std::pair{"2026-11-19T09:00:00Z", "1800"}, std::pair{"2026-11-19T10:00:00Z", "1500"}}) {
    std::string text = drill;
    text.replace(text.find("RECOVERY"), 8, recovery);
    v2.file.records.push_back(record("rollback", Decision::allow, time, "prod", {}, text));
  }
  inputs.evidence.push_back(std::move(v2));
  return inputs;
}
} // namespace

TEST_CASE("DORA from the ledger and the evidence")
{
  const AuditReport report = build_report(history());
  REQUIRE(report.dora.size() == 1);
  CHECK(report.dora[0].deployments == 2);
  CHECK(report.dora[0].failed == 1);
  CHECK(*report.dora[0].change_failure_ratio == doctest::Approx(0.5));
  CHECK(report.dora[0].frequency_per_day == doctest::Approx(2.0 / 30));
  // Lead time: rel-1 committed 08:00, first at 100% 11:00; rel-2 has no commit time.
  REQUIRE(report.lead_times.size() == 1);
  CHECK(report.lead_times[0].seconds == doctest::Approx(10800));
  CHECK(*report.lead_time_p50 == doctest::Approx(10800));
  // Recovery: from the first DENY of the run before the rollback (10:38), not the newest one.
  REQUIRE(report.recoveries.size() == 1);
  CHECK(report.recoveries[0].denied_at == "2026-11-18T10:38:00Z");
  CHECK(report.recoveries[0].seconds == doctest::Approx(420));
}

TEST_CASE("gate statistics: outcomes, deny ratio and latency quantiles; rollbacks are not gates")
{
  const AuditReport report = build_report(history());
  std::map<std::string, GateStats> gates;
  for (const auto &gate : report.gates)
    gates[gate.gate] = gate;
  CHECK(gates.count("rollback") == 0);
  REQUIRE(gates.count("scan-gate"));
  CHECK(gates["scan-gate"].total() == 3);
  CHECK(gates["scan-gate"].deny == 1);
  CHECK(*gates["scan-gate"].deny_ratio == doctest::Approx(1.0 / 3));
  CHECK(*gates["scan-gate"].p50_seconds == doctest::Approx(0.3));
  CHECK(*gates["scan-gate"].p99_seconds == doctest::Approx(0.398));
  CHECK(*gates["slo-check"].deny_ratio == doctest::Approx(0.5));
  CHECK(*gates["verify-signature"].deny_ratio == doctest::Approx(0));
}

TEST_CASE("drills with phases, recovery and trend")
{
  const AuditReport report = build_report(history());
  REQUIRE(report.drills.size() == 2);
  CHECK(report.drills[0].success);
  CHECK(*report.drills[0].phases_ms.at("converge") == doctest::Approx(500));
  CHECK(*report.drills[1].recovery_ms == doctest::Approx(1500));
  CHECK(report.drill_trend == "improving");
  const std::string prom = *render_prom(report);
  CHECK(prom.find("relgate_drills_total{app=\"api\",result=\"success\"} 2\n") != std::string::npos);
  CHECK(prom.find("relgate_drill_recovery_seconds{app=\"api\",env=\"prod\"} 1.5\n") != std::string::npos);
  CHECK(prom.find("relgate_change_failure_ratio{app=\"api\",env=\"prod\"} 0.5\n") != std::string::npos);
  CHECK(prom.find("relgate_gate_deny_ratio{gate=\"slo-check\"} 0.5\n") != std::string::npos);
  CHECK(prom.find("relgate_lead_time_seconds{app=\"api\",quantile=\"0.5\"} 10800\n") != std::string::npos);
  CHECK(prom.find("relgate_failed_deployment_recovery_seconds_count{app=\"api\"} 1\n") != std::string::npos);
  CHECK(prom.find("sha256:") == std::string::npos); // no digests as labels
}

TEST_CASE("release summary: complete, stopped and rolled back, or at 100% without a health check")
{
  AuditInputs inputs = history();
  const ReleaseSummary one = summarize_release(inputs.evidence[0].file, "v1.json", "");
  CHECK(one.env == "prod");
  CHECK(one.outcome == "incomplete");
  CHECK(one.result == "release at 100% without a full_100 health check (rel-1)");
  CHECK(render_summary_text(one).find("  canary_10: healthy (error rate 0.0%, p99 48 ms)\n") != std::string::npos);
  CHECK(render_summary_text(one).find("  vulnerability_policy: pass\n") != std::string::npos);

  inputs.evidence[0].file.records.push_back(
      record("slo-check", Decision::allow, "2026-11-17T11:10:00Z", "prod", 100, R"({"error_rate":0.0004})"));
  const ReleaseSummary done = summarize_release(inputs.evidence[0].file, "v1.json", "");
  CHECK(done.outcome == "complete");
  CHECK(done.result == "release complete with audit trail id rel-1");

  // Healthy at 100% but a check the promote policy did not require is missing: not complete.
  AuditInputs unscanned = history();
  auto &records = unscanned.evidence[0].file.records;
  records.push_back(
      record("slo-check", Decision::allow, "2026-11-17T11:10:00Z", "prod", 100, R"({"error_rate":0.0004})"));
  records.erase(
      std::remove_if(records.begin(), records.end(), [](const EvidenceRecord &r) { return r.step == "scan-gate"; }),
      records.end());
  const ReleaseSummary partial = summarize_release(unscanned.evidence[0].file, "v1.json", "");
  CHECK(partial.outcome == "incomplete");
  CHECK(partial.result == "release at 100% but its vulnerability_policy check is missing (rel-1)");

  const ReleaseSummary two = summarize_release(inputs.evidence[1].file, "v2.json", "prod");
  CHECK(two.release_id == "rel-2");
  CHECK(two.outcome == "stopped");
  CHECK(two.result == "release stopped at canary_10: error rate 30.0% > 1%; rolled back to rel-1");
  CHECK(render_summary_text(two).find(
            "  canary_10: unhealthy (error rate 30.0%, p99 250 ms): error rate 30.0% > 1%\n") != std::string::npos);
}

TEST_CASE("json: the schema's top-level members")
{
  const JsonDocument doc = report_to_json(build_report(history()));
  for (const char *key : {"schema", "step", "generated_at", "inputs", "releases", "environments", "timeline",
                          "decisions", "violations", "policies", "gates", "dora", "drills", "health_history", "notes"})
    CHECK(doc.HasMember(key));
  CHECK(get_string(doc, "step").value_or("") == "audit");
  CHECK(doc["violations"].Size() == 3); // scan-gate DENY and two slo-check DENYs
}
