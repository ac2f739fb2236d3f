#include "freeze_window.hpp"
#include "promotion_policy.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace relgate;
using namespace relgate::promote;

namespace
{
Result<PromotionPolicy> policy(const std::string &text)
{
  return promotion_policy_from_text(text, "promotion.toml");
}
TimePoint at(const char *text)
{
  return *parse_rfc3339(text);
}
} // namespace

TEST_CASE("the shipped default policy: staging then prod with canary stages and one approval")
{
  const char *source = std::getenv("RELGATE_SOURCE_DIR");
  REQUIRE(source != nullptr);
  auto loaded = load_promotion_policy(std::string(source) + "/policies/promotion.toml");
  REQUIRE_MESSAGE(loaded, loaded.message());
  REQUIRE(loaded->environments.size() == 2);
  const auto &staging = loaded->environments.at("staging");
  const auto &prod = loaded->environments.at("prod");
  CHECK(staging.after.empty());
  CHECK(staging.stages == std::vector<int64_t>{100});
  CHECK(staging.require.size() == 2);
  CHECK(prod.after == "staging");
  CHECK(prod.soak == std::chrono::hours(1));
  CHECK(prod.stages == std::vector<int64_t>{10, 50, 100});
  CHECK(prod.approvals == 1);
  REQUIRE(prod.require.size() == 3);
  CHECK(prod.require[2].step == "slo-check");
  CHECK(prod.require[2].env == "staging");
  CHECK(loaded->ref.version == 1);
  CHECK(loaded->ref.sha256.size() == 64);
}

TEST_CASE("policy errors name the key and the rule")
{
  CHECK(policy("version = 1\n").message().find("define at least one [environments.<name>]") != std::string::npos);
  CHECK(policy("version = 1\n[environments.prod]\nstages = [\"50%\", \"10%\", \"100%\"]\n")
            .message()
            .find("must increase") != std::string::npos);
  CHECK(
      policy("version = 1\n[environments.prod]\nstages = [10, 100]\n").message().find("expected an array of strings") !=
      std::string::npos);
  CHECK(policy("version = 1\n[environments.prod]\napprovals = 1\n").message().find("approvals need an allow-list") !=
        std::string::npos);
  CHECK(policy("version = 1\n[environments.prod]\nsoak = \"1h\"\n").message().find("a soak time needs 'after'") !=
        std::string::npos);
  CHECK(policy("version = 1\n[environments.a]\nafter = \"b\"\n[environments.b]\nafter = \"a\"\n")
            .message()
            .find("cycle") != std::string::npos);
  CHECK(policy("version = 1\n[environments.prod]\nrequire = [\"slo-check@qa\"]\n")
            .message()
            .find("names no environment") != std::string::npos);
  CHECK(
      policy("version = 1\n[environments.prod]\nrequire = [\"slo-check@\"]\n").message().find("optionally with @env") !=
      std::string::npos);
  CHECK(policy("version = 1\n[environments.Prod]\n").message().find("environment name 'Prod'") != std::string::npos);
  CHECK(policy("version = 2\n[environments.prod]\n").message().find("newer") != std::string::npos);
  auto both =
      policy("version = 1\n[environments.prod]\n[[environments.prod.freeze]]\nstart = \"2026-01-01T00:00:00Z\"\n"
             "end = \"2026-01-02T00:00:00Z\"\nweekdays = [\"fri\"]\n");
  CHECK(both.message().find("either dated") != std::string::npos);
  CHECK(both.message().find("promotion.toml:") != std::string::npos);
  CHECK(policy("version = 1\n[environments.prod]\n[[environments.prod.freeze]]\nstart = \"2026-01-02T00:00:00Z\"\n"
               "end = \"2026-01-01T00:00:00Z\"\n")
            .message()
            .find("must be after start") != std::string::npos);
  CHECK(policy("version = 1\n[environments.prod]\n[[environments.prod.freeze]]\nweekdays = [\"fry\"]\n")
            .message()
            .find("weekday 'fry'") != std::string::npos);
  CHECK(
      policy("version = 1\n[environments.prod]\n[[environments.prod.freeze]]\nweekdays = [\"fri\"]\nfrom = \"25:00\"\n")
          .message()
          .find("expected HH:MM") != std::string::npos);
  CHECK(policy("version = 1\n[environments.prod]\nfoo = 1\n").message().find("unknown key 'foo'") != std::string::npos);
}

TEST_CASE("stage weights")
{
  CHECK(*parse_stage_weight("10%") == 10);
  CHECK(*parse_stage_weight("100") == 100);
  for (const char *bad : {"0%", "101%", "%", "", "1.5%", "-5%", "1000%", "ten"})
    CHECK_MESSAGE(!parse_stage_weight(bad), bad);
}

TEST_CASE("weekdays, clock times and time zones")
{
  CHECK(*parse_weekday("FRI") == 5);
  CHECK(*parse_weekday("sunday") == 0);
  CHECK_FALSE(parse_weekday("funday"));
  CHECK(*parse_clock_minutes("24:00") == 1440);
  CHECK(*parse_clock_minutes("09:05") == 545);
  for (const char *bad : {"24:01", "9:00", "12:60", "ab:cd", "12-00"})
    CHECK_MESSAGE(!parse_clock_minutes(bad), bad);
  CHECK(validate_timezone("UTC"));
  CHECK(validate_timezone("Europe/Berlin"));
  for (const char *bad : {"Mars/Olympus", "../../etc/passwd", "/etc/localtime", "Europe/Berlin;rm"}) {
    CHECK_MESSAGE(!validate_timezone(bad), bad);
  }
}

TEST_CASE("local clock follows the TZ database, daylight saving included")
{
  // 2026-11-20 is a Friday. Berlin: UTC+1 in winter, UTC+2 in summer; New York UTC-5 / UTC-4.
  auto winter = local_clock(at("2026-11-20T14:30:00Z"), "Europe/Berlin");
  REQUIRE(winter);
  CHECK(winter->weekday == 5);
  CHECK(winter->minute == 15 * 60 + 30);
  auto summer = local_clock(at("2026-07-03T14:30:00Z"), "Europe/Berlin");
  CHECK(summer->minute == 16 * 60 + 30);
  auto new_york = local_clock(at("2026-11-21T02:00:00Z"), "America/New_York");
  CHECK(new_york->weekday == 5); // still Friday evening there
  CHECK(new_york->minute == 21 * 60);
  const char *tz_before = std::getenv("TZ");
  (void)local_clock(at("2026-11-20T14:30:00Z"), "Asia/Tokyo");
  CHECK(std::getenv("TZ") == tz_before); // the process environment is restored (both null or same pointer value)
}

TEST_CASE("freeze windows: dated, weekly, past midnight")
{
  FreezeWindow dated;
  dated.start = at("2026-12-21T00:00:00Z");
  dated.end = at("2027-01-04T00:00:00Z");
  CHECK(*freeze_active(dated, at("2026-12-21T00:00:00Z")));
  CHECK(*freeze_active(dated, at("2027-01-03T23:59:59Z")));
  CHECK_FALSE(*freeze_active(dated, at("2027-01-04T00:00:00Z"))); // end is exclusive
  CHECK_FALSE(*freeze_active(dated, at("2026-12-20T23:59:59Z")));
  CHECK(describe_freeze(dated) == "2026-12-21T00:00:00Z..2027-01-04T00:00:00Z");

  FreezeWindow friday;
  friday.weekdays = {5};
  friday.from_minute = 15 * 60;
  friday.to_minute = 24 * 60;
  friday.timezone = "Europe/Berlin";
  CHECK(*freeze_active(friday, at("2026-11-20T14:00:00Z"))); // 15:00 Berlin
  CHECK_FALSE(*freeze_active(friday, at("2026-11-20T13:59:00Z")));
  CHECK(*freeze_active(friday, at("2026-11-20T22:59:00Z")));       // 23:59 Berlin
  CHECK_FALSE(*freeze_active(friday, at("2026-11-20T23:00:00Z"))); // Saturday 00:00 Berlin
  CHECK_FALSE(*freeze_active(friday, at("2026-11-19T14:30:00Z"))); // Thursday
  CHECK(describe_freeze(friday) == "fri 15:00-24:00 Europe/Berlin");

  FreezeWindow night; // fri 22:00 -> sat 06:00 UTC
  night.weekdays = {5};
  night.from_minute = 22 * 60;
  night.to_minute = 6 * 60;
  CHECK(*freeze_active(night, at("2026-11-20T23:00:00Z")));
  CHECK(*freeze_active(night, at("2026-11-21T05:59:00Z")));
  CHECK_FALSE(*freeze_active(night, at("2026-11-21T06:00:00Z")));
  CHECK_FALSE(*freeze_active(night, at("2026-11-20T05:00:00Z"))); // Friday morning: Thursday night is not listed
  night.weekdays = {6};                                           // saturday night wraps into sunday
  CHECK(*freeze_active(night, at("2026-11-22T03:00:00Z")));
}
