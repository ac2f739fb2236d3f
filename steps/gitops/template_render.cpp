#include "template_render.hpp"

#include "file_io.hpp"
#include "repo_layout.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

namespace relgate::gitops
{
namespace
{

std::string_view trim(std::string_view text)
{
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

std::string known_names(const TemplateVariables &variables)
{
  std::string names;
  for (const auto &[name, value] : variables)
    names += (names.empty() ? "" : ", ") + name;
  return names;
}

// Templates put values anywhere (inside quotes, in a URL, a YAML key): no escaping fits every
// place, so values are restricted to the characters image names, digests and ids are made of.
Result<void> check_plain_values(const TemplateVariables &variables, const std::string &state_path)
{
  for (const auto &[name, value] : variables) {
    for (char c : value) {
      bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                   c == '_' || c == ':' || c == '/' || c == '@';
      if (!plain) {
        return make_error("template variable '" + name +
                          "' holds a character templates may not receive (only letters, digits and . - _ : / @): "
                          "check " +
                          state_path);
      }
    }
  }
  return ok_result();
}

} // namespace

TemplateVariables template_variables(const EnvState &state)
{
  TemplateVariables variables;
  variables["env"] = state.env;
  variables["image"] = state.image;
  variables["stable.digest"] = state.stable ? state.stable->digest : "";
  variables["stable.release"] = state.stable ? state.stable->release_id : "";
  variables["stable.weight"] = std::to_string(state.stable ? 100 - state.canary_weight : 0);
  variables["canary.digest"] = state.canary ? state.canary->digest : "";
  variables["canary.release"] = state.canary ? state.canary->release_id : "";
  variables["canary.weight"] = std::to_string(state.canary_weight);
  variables["canary.active"] = state.canary ? "true" : "false";
  return variables;
}

Result<std::string> render_template(std::string_view text, const TemplateVariables &variables,
                                    const std::string &source_name)
{
  std::string output;
  output.reserve(text.size() + 128);
  std::size_t line = 1;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t open = text.find("{{", pos);
    std::size_t chunk_end = open == std::string_view::npos ? text.size() : open;
    for (std::size_t i = pos; i < chunk_end; ++i)
      line += text[i] == '\n';
    output.append(text.substr(pos, chunk_end - pos));
    if (open == std::string_view::npos)
      break;
    std::size_t close = text.find("}}", open + 2);
    std::size_t newline = text.find('\n', open);
    if (close == std::string_view::npos || (newline != std::string_view::npos && newline < close)) {
      return make_error(source_name + ":" + std::to_string(line) + ": '{{' without a closing '}}' on the same line");
    }
    auto name = trim(text.substr(open + 2, close - open - 2));
    auto found = variables.find(name);
    if (found == variables.end()) {
      return make_error(source_name + ":" + std::to_string(line) + ": unknown variable '" + std::string(name) +
                        "'; known: " + known_names(variables));
    }
    output += found->second;
    pos = close + 2;
  }
  return output;
}

namespace
{

// The *.tmpl files of one folder (name -> repo-relative path); a missing folder has none. The
// error_code overloads: a folder that vanishes or cannot be read is an error value, not a throw.
Result<void> collect_templates(const std::string &repo, const std::string &relative_dir,
                               std::map<std::string, std::string> &sources)
{
  RELGATE_ASSIGN_OR_RETURN(auto dir, safe_path(repo, relative_dir));
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error))
    return ok_result();
  std::filesystem::directory_iterator it(dir, error);
  const std::filesystem::directory_iterator end;
  for (; !error && it != end; it.increment(error)) {
    auto name = it->path().filename().string();
    if (name.size() > 5 && name.ends_with(".tmpl"))
      sources[name] = relative_dir + "/" + name; // a later folder overrides an earlier one
  }
  if (error)
    return make_error(dir + ": cannot list the templates: " + error.message());
  return ok_result();
}

} // namespace

Result<std::vector<FileWrite>> render_repo_templates(const std::string &repo, const std::string &app,
                                                     const EnvState &state)
{
  std::vector<FileWrite> writes;
  std::map<std::string, std::string> sources; // sorted: stable commit content whatever the directory order
  RELGATE_TRY(collect_templates(repo, templates_dir(), sources));
  RELGATE_TRY(collect_templates(repo, app_templates_dir(app), sources));
  auto variables = template_variables(state);
  const auto paths = env_paths(app, state.env);
  if (!sources.empty())
    RELGATE_TRY(check_plain_values(variables, paths.state));
  for (const auto &[name, relative] : sources) {
    RELGATE_ASSIGN_OR_RETURN(auto source, safe_path(repo, relative));
    RELGATE_ASSIGN_OR_RETURN(auto text, read_file(source));
    RELGATE_ASSIGN_OR_RETURN(auto rendered, render_template(text, variables, source));
    writes.push_back({paths.rendered + "/" + name.substr(0, name.size() - 5), std::move(rendered)});
  }
  return writes;
}

} // namespace relgate::gitops
