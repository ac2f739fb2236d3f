// Where relgate's files live in a GitOps repository, and the path rules that keep writes inside
// it: application and environment names are plain identifiers, paths are relative without "..",
// and no file or folder relgate writes may be a symlink (one could point a write outside the repo).
//
//   relgate/templates/*.tmpl                shared user templates (optional)
//   relgate/<app>/templates/*.tmpl          per-application templates, override shared ones by name
//   relgate/<app>/releases.json             last release id handed out + releases marked bad (rejected)
//   relgate/<app>/<env>/state.json          stable digest + release id, canary digest + weight
//   relgate/<app>/<env>/kustomization.yaml  kustomize Component (images: digest:) an overlay includes once
//   relgate/<app>/<env>/known-good.json     small index of releases that reached 100% (rollback targets)
//   relgate/<app>/<env>/ledger.jsonl        append-only audit trail, one JSON object per line
//   relgate/<app>/<env>/rendered/<name>     rendered templates
//
// The single-application layout of earlier versions (relgate/<env>/..., relgate/releases.json) is
// only read to migrate it (layout_migration.hpp); legacy_env_paths and releases_path() name it.
#pragma once

#include "result.hpp"

#include <string>
#include <string_view>

namespace relgate::gitops
{

constexpr std::string_view relgate_root = "relgate";

struct EnvPaths {
  std::string dir;        // relgate/<env>
  std::string state;      // relgate/<env>/state.json
  std::string component;  // relgate/<env>/kustomization.yaml
  std::string known_good; // relgate/<env>/known-good.json
  std::string ledger;     // relgate/<env>/ledger.jsonl
  std::string rendered;   // relgate/<env>/rendered
};

// Lowercase letters, digits, '-', '_' and '.', starting with a letter or digit, at most 63
// characters; never "." or "..". "templates" and "releases.json" are reserved (they name the
// template folder and the release index that sit beside the environment folders).
Result<void> validate_env_name(std::string_view env);
// An application name follows the environment-name rule, with the same reserved names.
Result<void> validate_app_name(std::string_view app);

std::string app_dir(const std::string &app);                        // relgate/<app>
EnvPaths env_paths(const std::string &app, const std::string &env); // both must be valid
std::string releases_path(const std::string &app);                  // relgate/<app>/releases.json
std::string templates_dir();                                        // relgate/templates (shared)
std::string app_templates_dir(const std::string &app);              // relgate/<app>/templates

// The single-application layout (read by the migration and by audit of old repositories).
EnvPaths legacy_env_paths(const std::string &env); // relgate/<env>
std::string releases_path();                       // relgate/releases.json

// A repo-relative path: not empty, not absolute, no "..", "." or empty components.
Result<void> validate_relative_path(std::string_view relative);
// Refuses when any existing component of repo/relative (below the repo) is a symlink.
Result<void> check_no_symlinks(const std::string &repo, const std::string &relative);
// repo + "/" + relative after both checks.
Result<std::string> safe_path(const std::string &repo, const std::string &relative);

} // namespace relgate::gitops
