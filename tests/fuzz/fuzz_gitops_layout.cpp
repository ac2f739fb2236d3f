// Application names and the layout migration's overlay rewrite: subject names come from evidence
// files and kustomization files from the repository, both untrusted. Nothing may crash, a derived
// application is always a safe path component, and the rewrite changes nothing but the lines it
// reports, each then naming the new folder.
#include "app_layout.hpp"
#include "layout_migration.hpp"
#include "repo_layout.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const std::string text(reinterpret_cast<const char *>(data), size);
  using namespace relgate::gitops;
  if (auto app = app_name_from_subject(text)) {
    if (!validate_app_name(*app) || app->find('/') != std::string::npos || *app == "templates")
      std::abort();
  }
  if (validate_app_name(text) && !validate_relative_path(env_paths(text, "prod").state))
    std::abort();
  std::vector<int> lines;
  auto rewritten =
      rewrite_overlay_references("apps/api/overlays/prod/kustomization.yaml", text, {"prod", "staging"}, "api", lines);
  if (rewritten) {
    if (lines.empty() && *rewritten != text)
      std::abort();
    if (!lines.empty() && rewritten->find("relgate/api/") == std::string::npos)
      std::abort();
  }
  return 0;
}
