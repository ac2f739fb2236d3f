// [apps.<name>]: per-application overrides of the promotion policy, strictly validated.
#include "promotion_policy.hpp"

#include <doctest/doctest.h>

using namespace relgate;
using namespace relgate::promote;

namespace
{
const std::string base = "version = 1\n"
                         "[approvals]\napprovers = [\"alice\"]\n"
                         "[environments.staging]\n"
                         "[environments.prod]\nafter = \"staging\"\nstages = [\"10%\", \"100%\"]\napprovals = 1\n";

Result<PromotionPolicySet> policies(const std::string &extra)
{
  return promotion_policies_from_text(base + extra, "promotion.toml");
}

std::string refusal(const std::string &extra)
{
  auto loaded = policies(extra);
  REQUIRE_MESSAGE(!loaded, extra);
  return loaded.message();
}
} // namespace

TEST_CASE("an application without [apps.<name>] gets the top-level settings")
{
  auto set = policies("");
  REQUIRE_MESSAGE(set, set.message());
  const auto &web = set->for_app("web");
  CHECK(web.environments.size() == 2);
  CHECK(web.environments.at("prod").stages == std::vector<int64_t>{10, 100});
  CHECK(web.push_attempts == 64);
  auto effective = promotion_policy_from_text(base, "promotion.toml", "web");
  REQUIRE(effective);
  CHECK(effective->app == "web");
}

TEST_CASE("[apps.<name>] replaces whole tables for that application only")
{
  auto set = policies("[apps.api.approvals]\napprovers = [\"bob\"]\n"
                      "[apps.api.push]\nmax_attempts = 200\ntime_budget = \"10m\"\n"
                      "[apps.api.environments.qa]\n"
                      "[apps.api.environments.production]\nafter = \"qa\"\nsoak = \"2h\"\nstages = [\"5%\", \"100%\"]\n"
                      "approvals = 2\n"
                      "[[apps.api.environments.production.freeze]]\nreason = \"api freeze\"\n"
                      "start = \"2026-12-21T00:00:00Z\"\nend = \"2027-01-04T00:00:00Z\"\n"
                      "[apps.web.images]\nallowed_names = [\"ghcr.io/acme/web\"]\n");
  REQUIRE_MESSAGE(set, set.message());
  const auto &api = set->for_app("api");
  CHECK(api.app == "api");
  CHECK(api.approvers == std::vector<std::string>{"bob"});
  CHECK(api.push_attempts == 200);
  CHECK(api.push_time_budget == std::chrono::minutes(10));
  REQUIRE(api.environments.size() == 2); // its own list and order, not merged with the defaults
  CHECK(api.environments.count("staging") == 0);
  const auto &production = api.environments.at("production");
  CHECK(production.after == "qa");
  CHECK(production.stages == std::vector<int64_t>{5, 100});
  CHECK(production.approvals == 2);
  REQUIRE(production.freezes.size() == 1);
  CHECK(production.freezes[0].reason == "api freeze");
  const auto &web = set->for_app("web");
  CHECK(web.allowed_names == std::vector<std::string>{"ghcr.io/acme/web"});
  CHECK(web.environments.count("staging") == 1); // the defaults' environments
  CHECK(web.approvers == std::vector<std::string>{"alice"});
  CHECK(set->for_app("other").environments.count("prod") == 1);
  CHECK(set->defaults.approvers == std::vector<std::string>{"alice"}); // untouched by the overrides
}

TEST_CASE("[apps] is validated strictly, naming the key")
{
  CHECK(refusal("[apps.api]\nstagez = 1\n").find("stagez") != std::string::npos);
  CHECK(refusal("[apps.api.environments.prod]\nstagez = [\"100%\"]\n").find("stagez") != std::string::npos);
  CHECK(refusal("[apps.API]\n[apps.API.push]\nmax_attempts = 3\n").find("API") != std::string::npos);
  CHECK(refusal("[apps.templates.push]\nmax_attempts = 3\n").find("reserved") != std::string::npos);
  // Evidence trust and the clock belong to the pipeline, not to an application.
  CHECK(refusal("[apps.api.evidence]\nallow_unsigned = true\n").find("evidence") != std::string::npos);
  CHECK(refusal("[apps.api.clock]\nallow_pinned = true\n").find("clock") != std::string::npos);
  // Cross-table checks run on each application's effective policy.
  CHECK(refusal("[apps.api.environments.prod]\nafter = \"staging\"\napprovals = 1\n")
            .find("[apps.api.environments.prod] after") != std::string::npos);
  CHECK(refusal("[apps.api.approvals]\napprovers = []\n").find("approvals need an allow-list") != std::string::npos);
  CHECK(refusal("[apps.api.environments]\n").find("define at least one") != std::string::npos);
  CHECK(refusal("[apps.api.push]\ntime_budget = \"0s\"\n").find("time_budget") != std::string::npos);
  CHECK(refusal("[apps]\napi = 1\n").find("api") != std::string::npos);
}

TEST_CASE("an application's environment of a top-level name may only tighten it")
{
  const std::string strict = "version = 1\n"
                             "[images]\nallowed_registries = [\"ghcr.io\", \"quay.io\"]\n"
                             "[approvals]\napprovers = [\"alice\", \"bob\"]\n"
                             "[environments.staging]\nrequire = [\"scan-gate\"]\n"
                             "[environments.prod]\nafter = \"staging\"\nsoak = \"1h\"\napprovals = 1\n"
                             "require = [\"scan-gate\", \"slo-check@staging\"]\n"
                             "[[environments.prod.freeze]]\nreason = \"end-of-year freeze\"\n"
                             "start = \"2026-12-21T00:00:00Z\"\nend = \"2027-01-04T00:00:00Z\"\n";
  auto load = [&](const std::string &extra) { return promotion_policies_from_text(strict + extra, "promotion.toml"); };
  auto refused = [&](const std::string &extra) {
    auto loaded = load(extra);
    REQUIRE_MESSAGE(!loaded, extra);
    return loaded.message();
  };
  // Tightening is fine, and the top level's freezes and required records still apply.
  auto set = load("[apps.web.environments.staging]\n"
                  "[apps.web.environments.prod]\nafter = \"staging\"\nsoak = \"2h\"\napprovals = 2\n"
                  "stages = [\"5%\", \"100%\"]\nrequire = [\"signature-review\"]\n"
                  "[[apps.web.environments.prod.freeze]]\nreason = \"web freeze\"\nweekdays = [\"fri\"]\n");
  REQUIRE_MESSAGE(set, set.message());
  const auto &prod = set->for_app("web").environments.at("prod");
  CHECK(prod.approvals == 2);
  CHECK(prod.stages == std::vector<int64_t>{5, 100});
  REQUIRE(prod.freezes.size() == 2);
  CHECK(prod.freezes[0].reason == "web freeze");
  CHECK(prod.freezes[1].reason == "end-of-year freeze");
  std::vector<std::string> required;
  for (const auto &record : prod.require)
    required.push_back(record.text());
  CHECK(required == std::vector<std::string>{"signature-review", "scan-gate", "slo-check@staging"});
  CHECK(set->for_app("web").environments.at("staging").require.size() == 1); // an empty table keeps scan-gate
  // Weakening is refused, naming the key and the top level's value.
  CHECK(refused("[apps.web.environments.staging]\n[apps.web.environments.prod]\nafter = \"staging\"\nsoak = \"1h\"\n")
            .find("approvals = 1") != std::string::npos);
  CHECK(refused("[apps.web.environments.staging]\n[apps.web.environments.prod]\nafter = \"staging\"\napprovals = 1\n")
            .find("soak") != std::string::npos);
  CHECK(refused("[apps.web.environments.prod]\napprovals = 1\n").find("(after = \"staging\")") != std::string::npos);
  CHECK(refused("[apps.web.environments.staging]\nallow_unbound_reports = true\n").find("allow_unbound_reports") !=
        std::string::npos);
  // Registries: narrowed, never widened or emptied; not given = the top level's.
  CHECK(refused("[apps.web.images]\nallowed_registries = [\"evil.example\"]\n").find("evil.example") !=
        std::string::npos);
  CHECK(refused("[apps.web.images]\nallowed_registries = []\n").find("narrow") != std::string::npos);
  auto bound = load("[apps.web.images]\nallowed_names = [\"quay.io/acme/web\"]\n");
  REQUIRE_MESSAGE(bound, bound.message());
  CHECK(bound->for_app("web").allowed_registries == std::vector<std::string>{"ghcr.io", "quay.io"});
  CHECK(bound->for_app("web").images_bound_to_app);
  CHECK_FALSE(bound->for_app("api").images_bound_to_app);
  auto narrowed = load("[apps.web.images]\nallowed_registries = [\"quay.io\"]\n");
  REQUIRE_MESSAGE(narrowed, narrowed.message());
  CHECK(narrowed->for_app("web").allowed_registries == std::vector<std::string>{"quay.io"});
  CHECK_FALSE(narrowed->for_app("web").images_bound_to_app); // no allowed_names: no binding
}
