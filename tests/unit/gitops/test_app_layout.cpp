// Applications in one GitOps repository: names, paths, listing, the old layout, templates per app,
// and the migration's overlay rewrite.
#include "app_layout.hpp"
#include "env_state.hpp"
#include "gitops_test_repo.hpp"
#include "layout_migration.hpp"
#include "repo_layout.hpp"
#include "template_render.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using namespace relgate;
using namespace relgate::gitops;

TEST_CASE("application names follow the environment-name rule; templates is reserved")
{
  for (const char *good : {"api", "web-ui", "billing_v2", "eu.api", "a1"})
    CHECK_MESSAGE(validate_app_name(good), good);
  for (const char *bad : {"", ".", "..", "API", "-api", "a/b", "a b", "templates", "releases.json", "x\n"})
    CHECK_MESSAGE(!validate_app_name(bad), bad);
  CHECK(!validate_app_name(std::string(64, 'a')));
  CHECK(validate_app_name("templates").message().find("reserved") != std::string::npos);
  // An environment cannot take the names that sit beside the environment folders either.
  CHECK(!validate_env_name("templates"));
  CHECK(!validate_env_name("releases.json"));
}

TEST_CASE("the default application is the last path component of the subject's repository")
{
  CHECK(*app_name_from_subject("ghcr.io/acme/api") == "api");
  CHECK(*app_name_from_subject("ghcr.io/acme/api@sha256:" + std::string(64, 'a')) == "api");
  CHECK(*app_name_from_subject("registry:5000/team/web-ui") == "web-ui");
  CHECK(*app_name_from_subject("web") == "web");
  CHECK(*app_name_from_subject("ghcr.io/acme/api:1.2") == "api");
  for (const char *bad : {"", "ghcr.io/acme/templates", "ghcr.io/acme/" /* empty last component */}) {
    auto derived = app_name_from_subject(bad);
    REQUIRE_MESSAGE(!derived, bad);
    CHECK(derived.message().find("--app") != std::string::npos);
  }
  CHECK(!app_name_from_subject("ghcr.io/acme/" + std::string(64, 'a')));
  // Hostile subjects (red team): never a path outside the application folder, another reserved
  // name, an option or a different spelling of an existing application.
  for (const char *bad : {"ghcr.io/acme/..", "ghcr.io/acme/.", "ghcr.io/acme/releases.json", "ghcr.io/acme/API",
                          "ghcr.io/acme/\xc3\xa1pi", "ghcr.io/acme/-rf", "ghcr.io/acme/.git", "ghcr.io/acme/a b",
                          "ghcr.io/acme/a\nb", "ghcr.io/acme/a\\b", "@sha256:abc"}) {
    auto derived = app_name_from_subject(bad);
    CHECK_MESSAGE(!derived, bad);
  }
  CHECK(*app_name_from_subject("ghcr.io/acme/a/b/api") == "api"); // only the last component
}

TEST_CASE("paths: everything relgate owns lives under relgate/<app>/")
{
  auto paths = env_paths("api", "prod");
  CHECK(paths.dir == "relgate/api/prod");
  CHECK(paths.state == "relgate/api/prod/state.json");
  CHECK(paths.component == "relgate/api/prod/kustomization.yaml");
  CHECK(paths.known_good == "relgate/api/prod/known-good.json");
  CHECK(paths.ledger == "relgate/api/prod/ledger.jsonl");
  CHECK(paths.rendered == "relgate/api/prod/rendered");
  CHECK(releases_path("api") == "relgate/api/releases.json");
  CHECK(app_templates_dir("api") == "relgate/api/templates");
  CHECK(templates_dir() == "relgate/templates");
  CHECK(legacy_env_paths("prod").state == "relgate/prod/state.json");
  CHECK(releases_path() == "relgate/releases.json");
}

TEST_CASE("list_apps and the old single-application layout")
{
  const std::string repo = test::scratch_path("app-layout-list");
  std::filesystem::remove_all(repo);
  std::filesystem::create_directories(repo);
  CHECK(list_apps(repo)->empty());
  CHECK(find_legacy_layout(repo)->empty());
  test::write_text(repo + "/relgate/web/prod/state.json", "{}");
  test::write_text(repo + "/relgate/api/staging/ledger.jsonl", "");
  test::write_text(repo + "/relgate/templates/values.yaml.tmpl", "x");
  CHECK(*list_apps(repo) == std::vector<std::string>{"api", "web"});
  CHECK(check_no_legacy_layout(repo));

  test::write_text(repo + "/relgate/prod/state.json", "{}");
  auto legacy = find_legacy_layout(repo);
  REQUIRE(legacy);
  CHECK(legacy->envs == std::vector<std::string>{"prod"});
  CHECK_FALSE(legacy->releases_index);
  CHECK(*list_apps(repo) == std::vector<std::string>{"api", "web"}); // relgate/prod/ is no application
  auto refused = check_no_legacy_layout(repo);
  REQUIRE(!refused);
  CHECK(refused.message().find("promote --migrate-layout --app NAME --repo " + repo) != std::string::npos);
  CHECK(refused.message().find("relgate/prod/") != std::string::npos);

  std::filesystem::remove_all(repo + "/relgate/prod");
  test::write_text(repo + "/relgate/releases.json", "{}");
  CHECK(find_legacy_layout(repo)->releases_index);
  CHECK(!check_no_legacy_layout(repo));
}

TEST_CASE("state files name their application; another application's file is refused")
{
  const std::string repo = test::scratch_path("app-layout-state");
  std::filesystem::remove_all(repo);
  EnvState state;
  state.app = "api";
  state.env = "prod";
  state.image = "ghcr.io/acme/api";
  test::write_text(repo + "/relgate/api/prod/state.json", serialize_state(state));
  auto loaded = load_state(repo, "api", "prod");
  REQUIRE(loaded);
  REQUIRE(loaded->has_value());
  CHECK((*loaded)->app == "api");
  CHECK(!(*load_state(repo, "web", "prod")).has_value()); // web has no prod yet
  // A file copied from another application's folder.
  test::write_text(repo + "/relgate/web/prod/state.json", serialize_state(state));
  auto copied = load_state(repo, "web", "prod");
  REQUIRE(!copied);
  CHECK(copied.message().find(".app is 'api'") != std::string::npos);
  CHECK(!load_state(repo, "templates", "prod"));
  // Files written before applications existed have no "app": the folder names it.
  state.app.clear();
  test::write_text(repo + "/relgate/web/prod/state.json", serialize_state(state));
  REQUIRE(load_state(repo, "web", "prod"));
  CHECK((*load_state(repo, "web", "prod"))->app == "web");
}

TEST_CASE("templates: an application's template overrides a shared one of the same name")
{
  const std::string repo = test::scratch_path("app-layout-templates");
  std::filesystem::remove_all(repo);
  test::write_text(repo + "/relgate/templates/values.yaml.tmpl", "shared {{ env }}\n");
  test::write_text(repo + "/relgate/templates/rollout.yaml.tmpl", "rollout {{ stable.weight }}\n");
  test::write_text(repo + "/relgate/web/templates/values.yaml.tmpl", "web {{ image }}\n");
  EnvState state;
  state.env = "prod";
  state.image = "ghcr.io/acme/web";
  auto web = render_repo_templates(repo, "web", state);
  REQUIRE_MESSAGE(web, web.message());
  REQUIRE(web->size() == 2);
  CHECK((*web)[0].path == "relgate/web/prod/rendered/rollout.yaml");
  CHECK((*web)[1].path == "relgate/web/prod/rendered/values.yaml");
  CHECK((*web)[1].content == "web ghcr.io/acme/web\n");
  auto api = render_repo_templates(repo, "api", state);
  REQUIRE(api);
  CHECK((*api)[1].path == "relgate/api/prod/rendered/values.yaml");
  CHECK((*api)[1].content == "shared prod\n");
}

TEST_CASE("migration: overlay paths that resolve to an old environment folder are rewritten")
{
  std::vector<int> lines;
  const std::string flow = "resources: [../../base]\ncomponents: [../../../../relgate/prod]\n";
  auto rewritten =
      rewrite_overlay_references("apps/api/overlays/prod/kustomization.yaml", flow, {"prod"}, "api", lines);
  REQUIRE_MESSAGE(rewritten, rewritten.message());
  CHECK(*rewritten == "resources: [../../base]\ncomponents: [../../../../relgate/api/prod]\n");
  CHECK(lines == std::vector<int>{2});

  lines.clear();
  const std::string block = "components:\n  - ../../relgate/staging   # relgate/staging stays in comments\n"
                            "  - \"../../relgate/prod/\"\n  - ../../other/relgate/prod\n";
  rewritten = rewrite_overlay_references("overlays/x/kustomization.yaml", block, {"prod", "staging"}, "web", lines);
  REQUIRE(rewritten);
  CHECK(*rewritten == "components:\n  - ../../relgate/web/staging   # relgate/staging stays in comments\n"
                      "  - \"../../relgate/web/prod/\"\n  - ../../other/relgate/prod\n");
  CHECK(lines == std::vector<int>{2, 3});

  // A path that reaches the folder in a form that cannot be rewritten in place: refused, named.
  lines.clear();
  auto odd = rewrite_overlay_references("overlays/x/kustomization.yaml", "components: [../../relgate/prod/.]\n",
                                        {"prod"}, "api", lines);
  REQUIRE(!odd);
  CHECK(odd.message().find("overlays/x/kustomization.yaml:1") != std::string::npos);
}
