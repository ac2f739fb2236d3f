// Optional user templates (Helm values, Argo Rollouts, nginx splits) rendered from the state:
// `{{ stable.digest }}`, `{{ canary.weight }}`, ... Unknown variables and unclosed braces are
// errors naming the template and line, so a typo never ships an empty value.
#pragma once

#include "env_state.hpp"
#include "planned_commit.hpp"
#include "result.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::gitops
{

using TemplateVariables = std::map<std::string, std::string, std::less<>>;

// env, image, stable.digest, stable.release, stable.weight, canary.digest, canary.release,
// canary.weight, canary.active ("true"/"false"). Absent canary: empty strings and weight 0.
TemplateVariables template_variables(const EnvState &state);

Result<std::string> render_template(std::string_view text, const TemplateVariables &variables,
                                    const std::string &source_name);

// Renders every template of the application for the state into relgate/<app>/<env>/rendered/<name>:
// the shared relgate/templates/<name>.tmpl and relgate/<app>/templates/<name>.tmpl, where an
// application's template overrides a shared one of the same name. No templates = nothing to render.
Result<std::vector<FileWrite>> render_repo_templates(const std::string &repo, const std::string &app,
                                                     const EnvState &state);

} // namespace relgate::gitops
