// User templates, environment names, repo paths and release ids: untrusted text from the repo
// and the command line. Nothing may crash, and accepted names must be safe path components.
#include "release_id.hpp"
#include "repo_layout.hpp"
#include "template_render.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const std::string text(reinterpret_cast<const char *>(data), size);
  using namespace relgate::gitops;
  EnvState state;
  state.env = "prod";
  state.image = "ghcr.io/acme/api";
  state.stable = ReleaseRef{"rel-2026-11-17-01", "sha256:" + std::string(64, 'a'), "2026-11-17T09:00:00Z"};
  (void)render_template(text, template_variables(state), "fuzz.tmpl");
  if (validate_env_name(text)) {
    if (text.find('/') != std::string::npos || text.find("..") != std::string::npos || text.empty())
      std::abort();
    if (!validate_relative_path(env_paths("app", text).state))
      std::abort();
  }
  if (validate_relative_path(text)) {
    if (text.front() == '/' || text.find("/../") != std::string::npos || text.rfind("../", 0) == 0)
      std::abort();
  }
  if (auto id = parse_release_id(text)) {
    if (id->number < 1 || id->date.size() != 10)
      std::abort();
  }
  return 0;
}
