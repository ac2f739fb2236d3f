#include "ci_context.hpp"

#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

namespace relgate
{

std::string env_or_empty(const char *name)
{
  const char *value = std::getenv(name);
  return value ? value : "";
}

CiProvider detect_ci_provider()
{
  if (env_or_empty("GITHUB_ACTIONS") == "true")
    return CiProvider::github;
  if (env_or_empty("GITLAB_CI") == "true")
    return CiProvider::gitlab;
  return CiProvider::none;
}

JsonDocument collect_ci_context()
{
  JsonDocument context;
  std::vector<std::pair<const char *, const char *>> fields;
  std::string provider;
  switch (detect_ci_provider()) {
  case CiProvider::github:
    provider = "github";
    fields = {{"repository", "GITHUB_REPOSITORY"},
              {"run_id", "GITHUB_RUN_ID"},
              {"run_attempt", "GITHUB_RUN_ATTEMPT"},
              {"sha", "GITHUB_SHA"},
              {"actor", "GITHUB_ACTOR"},
              {"workflow_ref", "GITHUB_WORKFLOW_REF"}};
    break;
  case CiProvider::gitlab:
    provider = "gitlab";
    fields = {{"project", "CI_PROJECT_PATH"},
              {"pipeline_id", "CI_PIPELINE_ID"},
              {"job_url", "CI_JOB_URL"},
              {"commit_sha", "CI_COMMIT_SHA"},
              {"user", "GITLAB_USER_LOGIN"}};
    break;
  case CiProvider::none:
    context.SetNull();
    return context;
  }
  context.SetObject();
  auto &allocator = context.GetAllocator();
  set_member(context, "provider", provider, allocator);
  for (const auto &[key, variable] : fields) {
    const std::string value = env_or_empty(variable);
    if (!value.empty())
      set_member(context, key, value, allocator);
  }
  return context;
}

} // namespace relgate
