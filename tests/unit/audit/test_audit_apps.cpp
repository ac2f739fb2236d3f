// Several applications in one GitOps repository: release ids repeat across applications, so
// every figure is grouped by application and one application's failure never counts as another's.
#include "audit_report.hpp"
#include "report_formats.hpp"

#include "json.hpp"

#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::audit;

// A named namespace: unit tests are built as unity batches, where another file's anonymous
// helpers (digest, line) would collide with these.
namespace audit_apps_test
{
std::string digest(char c)
{
  return "sha256:" + std::string(64, c);
}

gitops::LedgerEntry line(int64_t seq, const std::string &action, const std::string &release, char d, int64_t weight,
                         const std::string &time, const std::string &rollback_of = "")
{
  gitops::LedgerEntry entry;
  entry.seq = seq;
  entry.action = action;
  entry.release_id = release;
  entry.digest = digest(d);
  entry.weight = weight;
  entry.time = time;
  entry.outcome = action == "rollback" ? "rolled-back" : weight == 100 ? "stable" : "canary";
  entry.actor = "bot";
  entry.rollback_of = rollback_of;
  return entry;
}

EvidenceRecord slo(Decision decision, const std::string &time)
{
  EvidenceRecord r;
  r.step = "slo-check";
  r.decision = decision;
  r.started_at = time;
  r.scope.env = "prod";
  r.scope.stage = 10;
  r.summary = *parse_json(R"({"error_rate":0.3})", "test");
  r.ci = JsonDocument();
  return r;
}

// api and web both hand out rel-2026-11-18-01 (ids are per application); web's is rolled back.
AuditInputs two_apps()
{
  AuditInputs inputs;
  inputs.repo = "repo";
  inputs.now = *parse_rfc3339("2026-11-20T00:00:00Z");
  EnvInput api;
  api.app = "api";
  api.env = "prod";
  api.ledger.push_back(line(1, "promote", "rel-2026-11-17-01", 'a', 100, "2026-11-17T11:00:00Z"));
  api.ledger.push_back(line(2, "promote", "rel-2026-11-18-01", 'b', 100, "2026-11-18T11:00:00Z"));
  EnvInput web;
  web.app = "web";
  web.env = "prod";
  web.ledger.push_back(line(1, "promote", "rel-2026-11-17-01", 'c', 100, "2026-11-17T11:00:00Z"));
  web.ledger.push_back(line(2, "promote", "rel-2026-11-18-01", 'd', 10, "2026-11-18T10:30:00Z"));
  web.ledger.push_back(line(3, "rollback", "rel-2026-11-17-01", 'c', 100, "2026-11-18T10:45:00Z", "rel-2026-11-18-01"));
  inputs.envs.push_back(std::move(api));
  inputs.envs.push_back(std::move(web));
  // web's releases index rejects its rel-2026-11-18-01; api's index is empty.
  inputs.releases["api"] = {};
  inputs.releases["web"].rejected[digest('d')] = {"rel-2026-11-18-01", "prod", "canary unhealthy", ""};

  // web's evidence: the DENYs that triggered the rollback. api's evidence: a healthy canary of
  // the same release id, whose digest differs.
  EvidenceInput web_ev;
  web_ev.path = "web.json";
  web_ev.file.subject.name = "ghcr.io/acme/web";
  web_ev.file.subject.digest = *parse_digest(digest('d'));
  web_ev.file.records.push_back(slo(Decision::deny, "2026-11-18T10:40:00Z"));
  EvidenceInput api_ev;
  api_ev.path = "api.json";
  api_ev.file.subject.name = "ghcr.io/acme/api";
  api_ev.file.subject.digest = *parse_digest(digest('b'));
  api_ev.file.records.push_back(slo(Decision::allow, "2026-11-18T10:40:00Z"));
  inputs.evidence.push_back(std::move(api_ev));
  inputs.evidence.push_back(std::move(web_ev));
  return inputs;
}
} // namespace audit_apps_test

using audit_apps_test::two_apps;

TEST_CASE("apps: evidence_app from the promote record's app, else the subject's last path component")
{
  EvidenceFile file;
  file.subject.name = "ghcr.io/acme/payments/api";
  CHECK(evidence_app(file) == "api");
  EvidenceRecord promote;
  promote.step = "promote";
  promote.summary = *parse_json(R"({"app":"checkout"})", "test");
  file.records.push_back(std::move(promote));
  CHECK(evidence_app(file) == "checkout");
  CHECK(app_of_image("api") == "api");
}

TEST_CASE("apps: DORA, failures and recoveries stay with their application")
{
  const AuditReport report = build_report(two_apps());
  CHECK(report.apps == std::vector<std::string>{"api", "web"});
  REQUIRE(report.dora.size() == 2);
  CHECK(report.dora[0].app == "api");
  CHECK(report.dora[0].failed == 0); // web's rel-2026-11-18-01 is not api's
  CHECK(report.dora[0].failed_releases.empty());
  CHECK(report.dora[1].app == "web");
  CHECK(report.dora[1].failed == 1);
  REQUIRE(report.recoveries.size() == 1);
  CHECK(report.recoveries[0].app == "web");
  CHECK(report.recoveries[0].seconds == doctest::Approx(300));
  for (const auto &event : report.timeline) {
    if (event.kind == "rollback")
      CHECK(event.app == "web");
  }
}

TEST_CASE("apps: prom labels every application series; markdown and json name the application")
{
  const AuditReport report = build_report(two_apps());
  const std::string prom = *render_prom(report);
  CHECK(prom.find("relgate_change_failure_ratio{app=\"api\",env=\"prod\"} 0\n") != std::string::npos);
  CHECK(prom.find("relgate_change_failure_ratio{app=\"web\",env=\"prod\"} 0.5\n") != std::string::npos);
  CHECK(prom.find("relgate_deployments_total{app=\"web\",env=\"prod\"} 2\n") != std::string::npos);
  CHECK(prom.find("relgate_failed_deployment_recovery_seconds_count{app=\"api\"} 0\n") != std::string::npos);
  CHECK(prom.find("relgate_failed_deployment_recovery_seconds_count{app=\"web\"} 1\n") != std::string::npos);
  const std::string md = render_markdown(report);
  CHECK(md.find("| api | prod | 2 |") != std::string::npos);
  CHECK(md.find("| web | prod | 2 |") != std::string::npos);
  const JsonDocument doc = report_to_json(report);
  CHECK(doc["apps"].Size() == 2);
  CHECK(get_string(doc["dora"]["environments"][1], "app").value_or("") == "web");
  CHECK(get_string(doc["dora"]["failed_deployment_recovery"]["failures"][0], "app").value_or("") == "web");
}

TEST_CASE("apps: an application filter drops the other application's evidence")
{
  AuditInputs inputs = two_apps();
  inputs.app_filter = "api";
  inputs.envs.erase(inputs.envs.begin() + 1); // load_audit_inputs filters the folders
  const AuditReport report = build_report(inputs);
  CHECK(report.apps == std::vector<std::string>{"api"});
  REQUIRE(report.releases.size() == 1);
  CHECK(report.releases[0].app == "api");
  for (const auto &record : report.records)
    CHECK(record.app == "api");
}
