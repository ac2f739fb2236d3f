// Which CI system runs us, and the facts about the run that go into every evidence record.
#pragma once

#include "json.hpp"

#include <string>

namespace relgate
{

enum class CiProvider { none, github, gitlab };

CiProvider detect_ci_provider(); // GITHUB_ACTIONS=true / GITLAB_CI=true

// GitHub: repository, run_id, sha, actor, workflow_ref. GitLab: project, pipeline_id, job_url,
// commit_sha, user. Null outside CI.
JsonDocument collect_ci_context();

std::string env_or_empty(const char *name);

} // namespace relgate
