#include "commit_trailers.hpp"
#include "env_state.hpp"
#include "git_cli.hpp"
#include "kustomize_component.hpp"
#include "release_id.hpp"
#include "release_index.hpp"
#include "repo_layout.hpp"
#include "template_render.hpp"
#include "test_support.hpp"
#include "yaml_scalar.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace relgate;
using namespace relgate::gitops;

namespace
{
const std::string digest_a = "sha256:" + std::string(64, 'a');
const std::string digest_b = "sha256:" + std::string(64, 'b');

EnvState sample_state()
{
  EnvState state;
  state.env = "prod";
  state.image = "ghcr.io/acme/api";
  state.stable = ReleaseRef{"rel-2026-11-17-01", digest_a, "2026-11-17T09:00:00Z"};
  state.canary = ReleaseRef{"rel-2026-11-17-02", digest_b, "2026-11-17T10:00:00Z"};
  state.canary_weight = 10;
  state.ledger_seq = 7;
  state.updated_at = "2026-11-17T10:00:00Z";
  return state;
}
} // namespace

TEST_CASE("environment names: plain identifiers only")
{
  for (const char *good : {"prod", "staging", "prod-eu", "qa_2", "eu.west1", "a"}) {
    CHECK_MESSAGE(validate_env_name(good), good);
  }
  for (const char *bad : {"", "..", ".", "../prod", "a/b", "/etc", "Prod", "-x", ".hidden", "a..b", "a b", "x\n"}) {
    CHECK_MESSAGE(!validate_env_name(bad), bad);
  }
  CHECK(!validate_env_name(std::string(64, 'a')));
  CHECK(validate_env_name("../prod").message().find("invalid character") != std::string::npos);
}

TEST_CASE("relative paths stay inside the repository")
{
  CHECK(validate_relative_path("relgate/prod/state.json"));
  for (const char *bad : {"", "/etc/passwd", "relgate/../../x", "relgate//prod", "./relgate", "relgate/prod/"}) {
    CHECK_MESSAGE(!validate_relative_path(bad), bad);
  }
  CHECK(validate_relative_path("/abs").message().find("is absolute") != std::string::npos);
}

TEST_CASE("symlinks anywhere on a relgate path are refused")
{
  const std::string repo = test::scratch_path("symlinks");
  std::filesystem::remove_all(repo);
  std::filesystem::create_directories(repo + "/relgate/prod");
  CHECK(check_no_symlinks(repo, "relgate/prod/state.json")); // missing file: fine
  std::filesystem::create_directories(repo + "/outside");
  std::filesystem::create_symlink(repo + "/outside", repo + "/relgate/staging");
  auto refused = safe_path(repo, "relgate/staging/state.json");
  REQUIRE_FALSE(refused);
  CHECK(refused.message().find("relgate/staging is a symlink") != std::string::npos);
  std::filesystem::create_symlink(repo + "/outside/x.json", repo + "/relgate/prod/state.json");
  CHECK_FALSE(check_no_symlinks(repo, "relgate/prod/state.json"));
  CHECK(*safe_path(repo, "relgate/prod/ledger.jsonl") == repo + "/relgate/prod/ledger.jsonl");
}

TEST_CASE("state file round trip and strict parsing")
{
  auto state = sample_state();
  auto text = serialize_state(state);
  auto parsed = parse_state(text, "state.json");
  REQUIRE_MESSAGE(parsed, parsed.message());
  CHECK(parsed->stable == state.stable);
  CHECK(parsed->canary == state.canary);
  CHECK(parsed->canary_weight == 10);
  CHECK(parsed->ledger_seq == 7);
  CHECK(parsed->image == "ghcr.io/acme/api");

  auto other_schema = text;
  other_schema.replace(other_schema.find("relgate.state/v1"), 16, "relgate.state/v9");
  CHECK(parse_state(other_schema, "s.json").message().find("expected 'relgate.state/v1'") != std::string::npos);
  auto bad_weight = text;
  bad_weight.replace(bad_weight.find("\"canary_weight\": 10"), 19, "\"canary_weight\": 0 ");
  CHECK(parse_state(bad_weight, "s.json").message().find("does not match .canary") != std::string::npos);
  auto tag = text;
  tag.replace(tag.find(digest_a), digest_a.size(), "latest");
  CHECK(parse_state(tag, "s.json").message().find(".stable.digest") != std::string::npos);
  CHECK_FALSE(parse_state("[]", "s.json"));
  CHECK_FALSE(parse_state("{", "s.json"));
}

TEST_CASE("kustomize Component pins the stable digest only")
{
  auto state = sample_state();
  auto yaml = render_component(state);
  CHECK(yaml.find("kind: Component\n") != std::string::npos);
  CHECK(yaml.find("apiVersion: kustomize.config.k8s.io/v1alpha1\n") != std::string::npos);
  CHECK(yaml.find("- name: \"ghcr.io/acme/api\"\n  digest: \"" + digest_a + "\"\n") != std::string::npos);
  CHECK(yaml.find(digest_b) == std::string::npos); // the canary is for templates, not the Component
  CHECK(yaml.find("newTag") == std::string::npos);
  state.stable.reset();
  CHECK(render_component(state).find("images: []\n") != std::string::npos);
}

TEST_CASE("templates render state variables and reject unknown ones")
{
  auto variables = template_variables(sample_state());
  auto rendered = render_template(
      "image: {{ image }}@{{stable.digest}}\ncanary: {{ canary.weight }}/{{ stable.weight }} {{canary.active}}\n",
      variables, "values.tmpl");
  REQUIRE(rendered);
  CHECK(*rendered == "image: ghcr.io/acme/api@" + digest_a + "\ncanary: 10/90 true\n");
  auto unknown = render_template("a\nb: {{ canary.wieght }}\n", variables, "values.tmpl");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.message().find("values.tmpl:2: unknown variable 'canary.wieght'") != std::string::npos);
  CHECK(render_template("x: {{ env\n}}", variables, "t").message().find("without a closing") != std::string::npos);
  CHECK(*render_template("no braces } { here", variables, "t") == "no braces } { here");
  EnvState empty;
  empty.env = "qa";
  CHECK(template_variables(empty).at("canary.active") == "false");
  CHECK(template_variables(empty).at("stable.weight") == "0");
}

TEST_CASE("release ids: rel-YYYY-MM-DD-NN, counting per day")
{
  auto day = *parse_rfc3339("2026-11-17T23:59:00Z");
  CHECK(*next_release_id("", day) == "rel-2026-11-17-01");
  CHECK(*next_release_id("rel-2026-11-17-01", day) == "rel-2026-11-17-02");
  CHECK(*next_release_id("rel-2026-11-17-99", day) == "rel-2026-11-17-100");
  CHECK(*next_release_id("rel-2026-11-16-07", day) == "rel-2026-11-17-01");
  CHECK(parse_release_id("rel-2026-11-17-100")->number == 100);
  for (const char *bad : {"rel-2026-13-01-01", "rel-2026-11-17", "release-1", "rel-2026-11-17-00", "rel-2026-11-17-0x",
                          "rel-2026-11-32-01", "REL-2026-11-17-01"}) {
    CHECK_MESSAGE(!parse_release_id(bad), bad);
  }
  CHECK_FALSE(next_release_id("garbage", day));
  CHECK(release_id_before("", "rel-2026-11-17-01"));
  CHECK(release_id_before("rel-2026-11-17-09", "rel-2026-11-17-10")); // numerically, not as text
  CHECK(release_id_before("rel-2026-11-16-99", "rel-2026-11-17-01"));
  CHECK_FALSE(release_id_before("rel-2026-11-17-02", "rel-2026-11-17-02"));
  CHECK_FALSE(release_id_before("rel-2026-11-17-02", "garbage"));
}

TEST_CASE("commit trailers round trip through the message")
{
  CommitTrailers trailers{
      "rel-2026-11-17-01",    "prod", digest_a, "sha256:" + std::string(64, 'e'), "promote", "10", "",
      "2026-11-17T09:00:00Z", "api"};
  auto message = commit_message("promote\nsneaky: title", {"- check: ok"}, trailers);
  CHECK(message.rfind("promote\\nsneaky: title\n\n", 0) == 0);
  auto parsed = parse_trailers(message);
  CHECK(parsed.at("Relgate-Release") == "rel-2026-11-17-01");
  CHECK(parsed.at("Relgate-App") == "api");
  CHECK(parsed.at("Relgate-Env") == "prod");
  CHECK(parsed.at("Relgate-Digest") == digest_a);
  CHECK(parsed.at("Relgate-Action") == "promote");
  CHECK(parsed.at("Relgate-Weight") == "10");
  CHECK(parsed.count("Relgate-Rollback-Of") == 0);
  CHECK(parsed.at("Relgate-Pinned-Clock") == "2026-11-17T09:00:00Z");
  trailers.pinned_clock = "";
  CHECK(parse_trailers(commit_message("promote", {}, trailers)).count("Relgate-Pinned-Clock") == 0);
  trailers.rollback_of = "rel-2026-11-16-03";
  trailers.evidence = "";
  auto rollback = parse_trailers(commit_message("rollback", {}, trailers));
  CHECK(rollback.at("Relgate-Rollback-Of") == "rel-2026-11-16-03");
  CHECK(rollback.at("Relgate-Evidence") == "none");
  CHECK(parse_trailers("title\n\njust a sentence here\n").empty());
}

TEST_CASE("data in a commit message cannot add lines or trailers")
{
  CommitTrailers trailers{"rel-2026-11-17-01", "prod", digest_a, "", "promote", "", "", "", ""};
  auto message = commit_message("t", {"Reason: x\n\nRelgate-Digest: sha256:evil", "   "}, trailers);
  auto parsed = parse_trailers(message);
  CHECK(parsed.at("Relgate-Digest") == digest_a);
  CHECK(message.find("\nRelgate-Digest: sha256:evil") == std::string::npos);
  CHECK(message.find("Reason: x\\n\\nRelgate-Digest: sha256:evil\n") != std::string::npos);
}

TEST_CASE("YAML values go through one escaping writer")
{
  CHECK(yaml_quoted("ghcr.io/acme/api") == "\"ghcr.io/acme/api\"");
  CHECK(yaml_quoted("a\"\nnewName: evil\\") == "\"a\\\"\\nnewName: evil\\\\\"");
  CHECK(yaml_quoted(std::string("\x01\x7f\xff", 3)) == "\"\\x01\\x7F\\xFF\"");
  CHECK(yaml_quoted("\xe2\x80\xa8") == "\"\\L\"");
  auto state = sample_state();
  state.image = "api\"\n  newName: evil";
  auto yaml = render_component(state);
  CHECK(yaml.find("\n  newName") == std::string::npos);
  CHECK_FALSE(parse_state(serialize_state(state), "s.json")); // not an OCI name: refused on read
}

TEST_CASE("a state file's image must be an OCI name (common/subject's grammar), named in the error")
{
  auto state = sample_state();
  for (const char *good : {"registry:5000/team/app", "localhost/a__b/c-d", "ghcr.io/acme/api"}) {
    state.image = good;
    CHECK_MESSAGE(parse_state(serialize_state(state), "s.json"), good);
  }
  for (const char *bad : {"Acme/api", "api:1.2", "-x/api", "a//b", "a/", "a b", "api@sha256:00"}) {
    state.image = bad;
    auto parsed = parse_state(serialize_state(state), "s.json");
    REQUIRE_FALSE_MESSAGE(parsed, bad);
    CHECK_MESSAGE(parsed.message().starts_with("s.json: .image: image name '"), parsed.message());
  }
  // The repository is data: a newline in the name does not reach the message (a CI log) raw.
  state.image = "api\n::error::owned";
  auto parsed = parse_state(serialize_state(state), "s.json");
  REQUIRE_FALSE(parsed);
  CHECK(parsed.message().find('\n') == std::string::npos);
  CHECK(parsed.message().find("api\\x0a::error::owned") != std::string::npos);
}

TEST_CASE("release ids never go back and never repeat")
{
  auto day = *parse_rfc3339("2026-11-17T09:00:00Z");
  CHECK(*next_release_id("rel-2099-01-01-05", day) == "rel-2099-01-01-06");
  ReleasesIndex index;
  CHECK(*bind_release_id(index, "rel-2026-11-17-01", digest_a));
  CHECK_FALSE(*bind_release_id(index, "rel-2026-11-17-01", digest_a)); // same digest: no change
  CHECK_FALSE(bind_release_id(index, "rel-2026-11-17-01", digest_b));
  CHECK(*bind_release_id(index, "rel-2026-11-16-01", digest_b));
  CHECK(index.last_release_id == "rel-2026-11-17-01"); // an earlier id does not reset the counter
  auto round = parse_releases_index(serialize_releases_index(index), "r.json");
  REQUIRE(round);
  CHECK(round->release_digests.at("rel-2026-11-16-01") == digest_b);
}

TEST_CASE("git operands from data are validated")
{
  CHECK(validate_remote("origin"));
  CHECK(validate_remote("https://example.com/acme/gitops.git"));
  CHECK(validate_remote("/srv/git/gitops.git"));
  for (const char *bad : {"--upload-pack=touch x", "-o", "ext::sh -c x", "a b", ""})
    CHECK_MESSAGE(!validate_remote(bad), bad);
  CHECK(validate_branch("main"));
  CHECK_FALSE(validate_branch("-f"));
  CHECK_FALSE(validate_commit_id("--all"));
}

TEST_CASE("known-good index: newest last, deduplicated, capped")
{
  KnownGoodIndex index;
  for (int i = 0; i < 40; ++i) {
    remember_known_good(index, ReleaseRef{"rel-2026-11-17-" + std::to_string(10 + i),
                                          "sha256:" + std::string(63, 'a') + char('a' + i % 6), ""});
  }
  CHECK(index.releases.size() == 6); // six distinct digests
  remember_known_good(index, ReleaseRef{"rel-x", digest_b, ""});
  CHECK(index.releases.back().release_id == "rel-x");
  forget_known_good(index, digest_b);
  CHECK(index.releases.back().release_id != "rel-x");
  KnownGoodIndex many;
  for (int i = 0; i < 50; ++i) {
    char hex[65];
    std::snprintf(hex, sizeof hex, "%064x", i);
    remember_known_good(many, ReleaseRef{"rel-2026-11-17-" + std::to_string(i + 10), std::string("sha256:") + hex, ""});
  }
  CHECK(many.releases.size() == known_good_capacity);
  CHECK(many.releases.front().release_id == "rel-2026-11-17-28");
  auto parsed = parse_known_good(serialize_known_good(many), "kg.json");
  REQUIRE(parsed);
  CHECK(parsed->releases.size() == known_good_capacity);
  CHECK(parsed->releases.back().release_id == "rel-2026-11-17-59");
  CHECK_FALSE(parse_known_good("{\"schema\":\"relgate.known-good/v1\",\"releases\":[{}]}", "kg.json"));
}

TEST_CASE("releases index keeps the last id and the rejected releases")
{
  ReleasesIndex index;
  index.last_release_id = "rel-2026-11-17-04";
  index.rejected[digest_a] = RejectedRelease{"rel-2026-11-17-03", "prod", "error rate", "2026-11-17T10:00:00Z"};
  auto parsed = parse_releases_index(serialize_releases_index(index), "releases.json");
  REQUIRE(parsed);
  CHECK(parsed->last_release_id == "rel-2026-11-17-04");
  CHECK(parsed->rejected.at(digest_a).env == "prod");
  CHECK(parsed->rejected.at(digest_a).reason == "error rate");
  CHECK_FALSE(parse_releases_index("{\"schema\":\"other\"}", "releases.json"));
}

namespace
{
// text with `insert` placed right after the first occurrence of `after` (which must be there).
std::string inserted(std::string text, std::string_view after, std::string_view insert)
{
  auto at = text.find(after);
  REQUIRE(at != std::string::npos);
  return text.insert(at + after.size(), insert);
}

void check_refused(const Result<void> &parsed, std::string_view file, std::string_view member)
{
  REQUIRE_FALSE(parsed);
  CHECK_MESSAGE(parsed.message().find(file) != std::string::npos, parsed.message());
  CHECK_MESSAGE(parsed.message().find("\"" + std::string(member) + "\"") != std::string::npos, parsed.message());
  CHECK_MESSAGE(parsed.message().find("remove it") != std::string::npos, parsed.message());
}

template <typename T> Result<void> as_void(const Result<T> &parsed)
{
  if (!parsed)
    return parsed.error();
  return ok_result();
}
} // namespace

TEST_CASE("state, known-good and releases files refuse members relgate does not write")
{
  // relgate rewrites these files from what it parsed: an unknown member would vanish unseen.
  const auto state = serialize_state(sample_state());
  REQUIRE(parse_state(state, "relgate/prod/state.json"));
  check_refused(as_void(parse_state(inserted(state, "{", "\"allow_all\": true,"), "relgate/prod/state.json")),
                "relgate/prod/state.json", "allow_all");
  check_refused(as_void(parse_state(inserted(state, "\"release\": \"rel-2026-11-17-02\",", "\"pinned\": true,"),
                                    "relgate/prod/state.json")),
                ".canary", "pinned");
  // A key given twice (the JSON parser keeps both) is refused as well.
  CHECK_FALSE(parse_state(inserted(state, "{", "\"canary_weight\": 0,"), "s.json"));

  KnownGoodIndex known_good;
  remember_known_good(known_good, ReleaseRef{"rel-2026-11-17-01", digest_a, "2026-11-17T09:00:00Z"});
  const auto known_good_text = serialize_known_good(known_good);
  REQUIRE(parse_known_good(known_good_text, "kg.json"));
  check_refused(
      as_void(parse_known_good(inserted(known_good_text, "{", "\"pinned\": [],"), "relgate/prod/known-good.json")),
      "relgate/prod/known-good.json", "pinned");
  check_refused(
      as_void(parse_known_good(inserted(known_good_text, "\"release\": \"rel-2026-11-17-01\",", "\"skip_soak\": true,"),
                               "relgate/prod/known-good.json")),
      "relgate/prod/known-good.json", "skip_soak");

  ReleasesIndex index;
  index.last_release_id = "rel-2026-11-17-04";
  index.rejected[digest_a] = RejectedRelease{"rel-2026-11-17-03", "prod", "error rate", "2026-11-17T10:00:00Z"};
  REQUIRE(*bind_release_id(index, "rel-2026-11-17-04", digest_b));
  const auto releases = serialize_releases_index(index);
  REQUIRE(parse_releases_index(releases, "relgate/releases.json"));
  check_refused(as_void(parse_releases_index(inserted(releases, "{", "\"allowed\": {},"), "relgate/releases.json")),
                "relgate/releases.json", "allowed");
  check_refused(as_void(parse_releases_index(inserted(releases, "\"env\": \"prod\",", "\"until\": \"2026-11-18\","),
                                             "relgate/releases.json")),
                "relgate/releases.json", "until");
  // The same digest rejected twice, or one id bound twice: the parser would keep the first silently.
  auto twice_rejected =
      inserted(releases, "\"rejected\": {", "\"" + digest_a + "\": {\"release\": \"rel-2026-11-17-09\"},");
  auto refused = parse_releases_index(twice_rejected, "relgate/releases.json");
  REQUIRE_FALSE(refused);
  CHECK(refused.message().find("twice") != std::string::npos);
  auto twice_bound = inserted(releases, "\"release_digests\": {", "\"rel-2026-11-17-04\": \"" + digest_a + "\",");
  refused = parse_releases_index(twice_bound, "relgate/releases.json");
  REQUIRE_FALSE(refused);
  CHECK(refused.message().find("'rel-2026-11-17-04' twice") != std::string::npos);
}
