#include "admission.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace relgate;
using namespace relgate::promote;

namespace
{
const std::string digest_v1 = "sha256:" + std::string(64, '1');

EvidenceRecord record(const std::string &step, Decision decision, const std::string &env = "",
                      std::optional<int64_t> stage = std::nullopt)
{
  EvidenceRecord r;
  r.step = step;
  r.decision = decision;
  r.scope.env = env;
  r.scope.stage = stage;
  r.started_at = "2026-11-17T08:00:00Z";
  if (step == "scan-gate") // what scan-gate writes when its reports name the subject's digest
    r.summary.Parse(R"({"subject_digest":"sha256:1111","bound_to_subject":true})");
  return r;
}

// A scan-gate record made with --unbound-report (a repository scan), as scan-gate writes it.
EvidenceRecord unbound_scan(Decision decision)
{
  EvidenceRecord r = record("scan-gate", decision);
  r.summary.Parse(R"({"subject_digest":"sha256:1111","bound_to_subject":false,"unbound_report":true})");
  return r;
}

// Everything a prod promotion needs, so each test breaks exactly one thing.
struct Fixture {
  PromotionPolicy policy = *promotion_policy_from_text(
      "version = 1\n[images]\nallowed_registries = [\"ghcr.io\"]\nallowed_names = [\"ghcr.io/acme/*\"]\n"
      "[approvals]\napprovers = [\"alice\", \"bob\"]\n[environments.staging]\n"
      "[environments.prod]\nafter = \"staging\"\nsoak = \"1h\"\nrequire = [\"scan-gate\", \"slo-check@staging\"]\n"
      "stages = [\"10%\", \"50%\", \"100%\"]\napprovals = 1\n"
      "[[environments.prod.freeze]]\nreason = \"holidays\"\nstart = \"2026-12-21T00:00:00Z\"\nend = "
      "\"2027-01-04T00:00:00Z\"\n",
      "p.toml");
  EvidenceFile evidence;
  EvidenceCheck chain;
  std::optional<gitops::EnvState> current;
  gitops::KnownGoodIndex upstream;
  gitops::ReleasesIndex releases;
  TimePoint now = *parse_rfc3339("2026-11-17T12:00:00Z");
  PromotionRequest request;

  Fixture()
  {
    evidence.subject = *parse_subject("ghcr.io/acme/api@" + digest_v1);
    evidence.records.push_back(record("scan-gate", Decision::allow));
    evidence.records.push_back(record("slo-check", Decision::allow, "staging"));
    upstream.releases.push_back({"rel-2026-11-17-01", digest_v1, "2026-11-17T10:00:00Z"});
    request.env = "prod";
    request.target_weight = 10;
    request.approvers = {"alice"};
    chain.trusted = ok_result();
  }
  AdmissionReport run() const
  {
    AdmissionInput input{policy, policy.environments.at("prod"), evidence, chain, current, upstream, releases, now,
                         request};
    return run_admission_checks(input);
  }
};

const CheckResult &check(const AdmissionReport &report, const std::string &name)
{
  auto found = std::find_if(report.checks.begin(), report.checks.end(), [&](const auto &c) { return c.name == name; });
  REQUIRE(found != report.checks.end());
  return *found;
}

// Exactly the named check fails, with the expected words.
void expect_only_failure(const AdmissionReport &report, const std::string &name, const std::string &words)
{
  for (const auto &c : report.checks) {
    CHECK_MESSAGE(c.passed == (c.name != name), std::string(c.name + ": " + c.message));
  }
  CHECK_MESSAGE(check(report, name).message.find(words) != std::string::npos, check(report, name).message);
}
} // namespace

TEST_CASE("all checks pass for a well-prepared prod promotion")
{
  Fixture f;
  auto report = f.run();
  CHECK(report.passed());
  CHECK(report.checks.size() == 10);
  CHECK(report.valid_approvers == std::vector<std::string>{"alice"});
  CHECK(report.failure_reasons().empty());
}

TEST_CASE("each check fails on its own, with its own reason")
{
  SUBCASE("immutable-digest: a subject without a name")
  {
    Fixture f;
    f.evidence.subject.name = "";
    auto report = f.run();
    CHECK_FALSE(check(report, "immutable-digest").passed);
  }
  SUBCASE("evidence-chain")
  {
    Fixture f;
    f.chain.trusted = make_error("record 1: prev does not match");
    expect_only_failure(f.run(), "evidence-chain", "record 1: prev does not match");
    f.chain = EvidenceCheck{}; // a caller that never checked the evidence gets a DENY
    expect_only_failure(f.run(), "evidence-chain", "not checked");
  }
  SUBCASE("release-id of another digest")
  {
    Fixture f;
    f.evidence.release_id = "rel-2026-11-17-01";
    f.releases.release_digests["rel-2026-11-17-01"] = "sha256:" + std::string(64, '2');
    expect_only_failure(f.run(), "release-id", "already belongs to sha256:2222");
  }
  SUBCASE("a canary of the stable digest")
  {
    Fixture f;
    gitops::EnvState state;
    state.env = "prod";
    state.image = "ghcr.io/acme/api";
    state.stable = gitops::ReleaseRef{"rel-2026-11-17-01", digest_v1, "2026-11-17T10:00:00Z"};
    f.current = state;
    expect_only_failure(f.run(), "canary-stage", "already runs at 100% in prod");
  }
  SUBCASE("freeze override needs an allow-listed approver")
  {
    Fixture f;
    f.now = *parse_rfc3339("2026-12-24T12:00:00Z");
    f.request.override_freeze = true;
    f.request.reason = "hotfix";
    f.policy.approvers.clear(); // no list: approvals admit anyone, an override no one
    f.policy.environments.at("prod").approvals = 0;
    f.request.approvers = {"mallory"};
    expect_only_failure(f.run(), "freeze-window", "no override possible");
  }
  SUBCASE("not-rejected")
  {
    Fixture f;
    f.releases.rejected[digest_v1] = gitops::RejectedRelease{"rel-2026-11-10-01", "prod", "5xx spike", "t"};
    expect_only_failure(f.run(), "not-rejected", "rel-2026-11-10-01 (this digest) was rolled back in prod");
  }
  SUBCASE("image-allowed: registry")
  {
    Fixture f;
    f.policy.allowed_registries = {"registry.example.com:5000"};
    expect_only_failure(f.run(), "image-allowed", "registry ghcr.io of ghcr.io/acme/api is not in");
  }
  SUBCASE("image-allowed: another image already deployed here")
  {
    Fixture f;
    f.current = gitops::EnvState{};
    f.current->env = "prod";
    f.current->image = "ghcr.io/acme/web";
    expect_only_failure(f.run(), "image-allowed", "prod deploys ghcr.io/acme/web");
  }
  SUBCASE("required-evidence: the newest record wins")
  {
    Fixture f;
    f.evidence.records.push_back(record("scan-gate", Decision::deny));
    expect_only_failure(f.run(), "required-evidence", "scan-gate (newest is DENY)");
  }
  SUBCASE("required-evidence: a record for another env does not count")
  {
    Fixture f;
    f.evidence.records.erase(f.evidence.records.begin() + 1);
    f.evidence.records.push_back(record("slo-check", Decision::allow, "prod", 10));
    expect_only_failure(f.run(), "required-evidence", "slo-check@staging (no record)");
  }
  SUBCASE("environment-order: never reached staging")
  {
    Fixture f;
    f.upstream.releases.clear();
    expect_only_failure(f.run(), "environment-order", "has not reached 100% in staging");
  }
  SUBCASE("environment-order: soak time")
  {
    Fixture f;
    f.now = *parse_rfc3339("2026-11-17T10:40:00Z");
    expect_only_failure(f.run(), "environment-order", "for 40m, prod needs 1h (ready at 2026-11-17T11:00:00Z)");
  }
  SUBCASE("canary-stage: another canary runs")
  {
    Fixture f;
    f.current = gitops::EnvState{};
    f.current->env = "prod";
    f.current->image = "ghcr.io/acme/api";
    f.current->canary = gitops::ReleaseRef{"rel-2026-11-16-01", "sha256:" + std::string(64, '2'), ""};
    f.current->canary_weight = 50;
    expect_only_failure(f.run(), "canary-stage", "conflict: prod already runs canary rel-2026-11-16-01 at 50%");
  }
  SUBCASE("canary-stage: the gate of the previous stage")
  {
    Fixture f;
    f.current = gitops::EnvState{};
    f.current->env = "prod";
    f.current->image = "ghcr.io/acme/api";
    f.current->canary = gitops::ReleaseRef{"rel-2026-11-17-01", digest_v1, ""};
    f.current->canary_weight = 10;
    f.request.target_weight = 50;
    expect_only_failure(f.run(), "canary-stage", "50% needs a slo-check ALLOW for prod at stage 10 (no record)");
    f.evidence.records.push_back(record("slo-check", Decision::allow, "prod", 50)); // wrong stage
    expect_only_failure(f.run(), "canary-stage", "at stage 10 (no record)");
    f.evidence.records.push_back(record("slo-check", Decision::allow, "prod", 10));
    CHECK(f.run().passed());
    f.evidence.records.push_back(record("slo-check", Decision::inconclusive, "prod", 10));
    expect_only_failure(f.run(), "canary-stage", "newest is INCONCLUSIVE");
  }
  SUBCASE("approvals: allow-list and count")
  {
    Fixture f;
    f.request.approvers = {"mallory", "mallory"};
    expect_only_failure(f.run(), "approvals", "got 0 (not on the allow-list: mallory, mallory)");
    f.request.approvers = {"bob", "bob"};
    CHECK(f.run().valid_approvers == std::vector<std::string>{"bob"});
    f.policy.environments.at("prod").approvals = 2;
    expect_only_failure(f.run(), "approvals", "prod needs 2 approval(s)");
  }
  SUBCASE("freeze-window and its override")
  {
    Fixture f;
    f.now = *parse_rfc3339("2026-12-24T12:00:00Z");
    expect_only_failure(f.run(), "freeze-window", "prod is frozen: holidays");
    f.request.override_freeze = true;
    expect_only_failure(f.run(), "freeze-window", "needs --reason TEXT");
    f.request.reason = "INC-7 hotfix";
    f.request.approvers = {"mallory"};
    CHECK_FALSE(check(f.run(), "freeze-window").passed); // an approver from the allow-list is required
    f.request.approvers = {"alice"};
    auto report = f.run();
    CHECK(report.passed());
    CHECK(report.freeze_overridden);
    CHECK(check(report, "freeze-window").message.find("overridden by alice: INC-7 hotfix") != std::string::npos);
  }
}

TEST_CASE("next stage and image helpers")
{
  EnvPolicy env;
  env.stages = {10, 50, 100};
  std::optional<gitops::EnvState> none;
  CHECK(*next_stage_weight(env, none, digest_v1) == 10);
  gitops::EnvState state;
  state.canary = gitops::ReleaseRef{"r", digest_v1, ""};
  state.canary_weight = 10;
  CHECK(*next_stage_weight(env, state, digest_v1) == 50);
  CHECK(*next_stage_weight(env, state, "sha256:" + std::string(64, '9')) == 10); // another digest starts over
  state.canary.reset();
  state.canary_weight = 0;
  state.stable = gitops::ReleaseRef{"r", digest_v1, ""};
  CHECK_FALSE(next_stage_weight(env, state, digest_v1));

  CHECK(image_registry("ghcr.io/acme/api") == "ghcr.io");
  CHECK(image_registry("localhost:5000/api") == "localhost:5000");
  CHECK(image_registry("library/nginx") == "docker.io");
  CHECK(image_registry("nginx") == "docker.io");
  CHECK(glob_match("ghcr.io/acme/*", "ghcr.io/acme/api"));
  CHECK(glob_match("*/acme/*", "ghcr.io/acme/api"));
  CHECK_FALSE(glob_match("ghcr.io/acme/*", "ghcr.io/evil/api"));
  CHECK(glob_match("ghcr.io/acme/api", "ghcr.io/acme/api"));
  CHECK_FALSE(glob_match("ghcr.io/acme/ap", "ghcr.io/acme/api"));
  CHECK(glob_match("a*b*c", "aXXbYYc"));
  CHECK_FALSE(glob_match("a*b*c", "aXXbYY"));
}

TEST_CASE("an --unbound-report scan-gate ALLOW is not the image's scan unless the environment opts in")
{
  SUBCASE("only an unbound ALLOW: DENY naming the opt-in")
  {
    Fixture f;
    f.evidence.records.erase(f.evidence.records.begin()); // the bound scan-gate ALLOW
    f.evidence.records.push_back(unbound_scan(Decision::allow));
    expect_only_failure(f.run(), "required-evidence", "allow_unbound_reports = true in [environments.prod]");
  }
  SUBCASE("opted in: the unbound ALLOW counts")
  {
    Fixture f;
    f.evidence.records.erase(f.evidence.records.begin());
    f.evidence.records.push_back(unbound_scan(Decision::allow));
    f.policy.environments.at("prod").allow_unbound_reports = true;
    CHECK(f.run().passed());
  }
  SUBCASE("a newer repository scan does not hide the image scan, in either order")
  {
    Fixture f;
    f.evidence.records.push_back(unbound_scan(Decision::allow));
    CHECK(f.run().passed());
    f.evidence.records.push_back(record("scan-gate", Decision::deny));
    f.evidence.records.push_back(unbound_scan(Decision::allow));
    expect_only_failure(f.run(), "required-evidence", "scan-gate (newest is DENY)");
  }
  SUBCASE("an unbound DENY still denies")
  {
    Fixture f;
    f.evidence.records.push_back(unbound_scan(Decision::deny));
    expect_only_failure(f.run(), "required-evidence", "scan-gate (newest is DENY)");
  }
  SUBCASE("a scan-gate record that does not say it was bound reads as unbound")
  {
    for (const char *summary :
         {R"({})", R"({"bound_to_subject":"true"})", R"({"bound_to_subject":true,"unbound_report":1})"}) {
      Fixture f;
      f.evidence.records.front().summary.Parse(summary);
      expect_only_failure(f.run(), "required-evidence", "--unbound-report");
    }
  }
  SUBCASE("the policy key is read per environment and must be a boolean")
  {
    const std::string head = "version = 1\n[evidence]\nallow_unsigned = true\n[environments.dev]\n";
    auto policy = promotion_policy_from_text(head + "allow_unbound_reports = true\n", "p.toml");
    REQUIRE(policy);
    CHECK(policy->environments.at("dev").allow_unbound_reports);
    auto defaulted = promotion_policy_from_text(head, "p.toml");
    REQUIRE(defaulted);
    CHECK_FALSE(defaulted->environments.at("dev").allow_unbound_reports);
    auto wrong = promotion_policy_from_text(head + "allow_unbound_reports = \"yes\"\n", "p.toml");
    REQUIRE_FALSE(wrong);
    CHECK(wrong.message().find("allow_unbound_reports") != std::string::npos);
  }
}
