// `promote --migrate-layout --app NAME`: moves a repository from the single-application layout
// (relgate/<env>/..., relgate/releases.json) to relgate/<app>/<env>/... and relgate/<app>/releases.json
// in one commit. Shared templates (relgate/templates) stay where they are. Each state.json gains
// its "app"; ledgers move byte for byte (append-only: older lines carry no "app", their folder names
// it). Overlays that include relgate/<env> as a Component keep working in the same commit: every
// path in a kustomization file that resolves to a moved folder is rewritten to the new folder and
// each rewritten file is reported. Refused on a dirty work tree; a second run changes nothing.
#pragma once

#include "git_cli.hpp"
#include "publish.hpp"
#include "result.hpp"

#include <string>
#include <vector>

namespace relgate::gitops
{

struct MigrationReport {
  bool already_migrated = false;           // relgate/<app>/ exists and nothing of the old layout is left
  std::vector<std::string> envs;           // environment folders moved
  std::vector<std::string> overlays;       // kustomization files rewritten ("path:line")
  std::vector<std::string> other_mentions; // other YAML files naming an old folder: check them by hand
  std::vector<std::string> symlinks;       // YAML symlinks outside relgate/: never read, check by hand
  PublishResult published;
};

// Rewrites the paths of one kustomization file that resolve (from its folder) to relgate/<env> of
// a moved environment; `changed` receives "line N" per rewritten line. An old-folder path it cannot
// rewrite in place is an error naming the line.
Result<std::string> rewrite_overlay_references(const std::string &file_path, std::string_view text,
                                               const std::vector<std::string> &envs, const std::string &app,
                                               std::vector<int> &changed_lines);

Result<MigrationReport> migrate_layout(const GitRepo &repo, const std::string &app, const PublishOptions &options);

} // namespace relgate::gitops
