// Where relgate's files live in a GitOps repository, and the path rules that keep writes inside
// it: environment names are plain identifiers, paths are relative without "..", and no file or
// folder relgate writes may be a symlink (a symlink could point a write outside the repo).
//
//   relgate/releases.json            last release id handed out + releases marked bad (rejected)
//   relgate/templates/*.tmpl         optional user templates, rendered per environment
//   relgate/<env>/state.json         stable digest + release id, canary digest + weight
//   relgate/<env>/kustomization.yaml kustomize Component (images: digest:) an overlay includes once
//   relgate/<env>/known-good.json    small index of releases that reached 100% (rollback targets)
//   relgate/<env>/ledger.jsonl       append-only audit trail, one JSON object per line
//   relgate/<env>/rendered/<name>    rendered templates
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
// characters; never "." or "..".
Result<void> validate_env_name(std::string_view env);
EnvPaths env_paths(const std::string &env); // env must be valid
std::string releases_path();                // relgate/releases.json
std::string templates_dir();                // relgate/templates

// A repo-relative path: not empty, not absolute, no "..", "." or empty components.
Result<void> validate_relative_path(std::string_view relative);
// Refuses when any existing component of repo/relative (below the repo) is a symlink.
Result<void> check_no_symlinks(const std::string &repo, const std::string &relative);
// repo + "/" + relative after both checks.
Result<std::string> safe_path(const std::string &repo, const std::string &relative);

} // namespace relgate::gitops
