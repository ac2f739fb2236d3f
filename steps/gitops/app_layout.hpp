// Applications in a GitOps repository: which application a promote or rollback acts on (--app, or
// derived), which applications the repository holds, and whether it still has the single-application
// layout of earlier versions (relgate/<env>/, relgate/releases.json), which must be migrated first.
#pragma once

#include "result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace relgate::gitops
{

// The default application of a subject: the last path component of its repository
// ("ghcr.io/acme/api" -> "api", "registry:5000/team/web-ui" -> "web-ui"). An error asking for --app
// when that is not a valid application name (or the subject has no name).
Result<std::string> app_name_from_subject(std::string_view subject_name);

// The applications of the repository: folders relgate/<app>/ with a valid, unreserved name that
// are not single-application environment folders. Sorted.
Result<std::vector<std::string>> list_apps(const std::string &repo);

// What is left of the single-application layout: its environment folders (relgate/<env>/ holding
// state.json, ledger.jsonl or kustomization.yaml) and whether relgate/releases.json exists.
struct LegacyLayout {
  std::vector<std::string> envs;
  bool releases_index = false;
  bool empty() const { return envs.empty() && !releases_index; }
};
Result<LegacyLayout> find_legacy_layout(const std::string &repo);

// An error naming the migration command when the repository still has the old layout.
Result<void> check_no_legacy_layout(const std::string &repo);

// The command that migrates a repository (for messages and docs).
std::string migration_command(const std::string &repo, const std::string &app);

} // namespace relgate::gitops
