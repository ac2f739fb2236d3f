#include "layout_migration.hpp"

#include "app_layout.hpp"
#include "commit_trailers.hpp"
#include "env_state.hpp"
#include "file_io.hpp"
#include "repo_layout.hpp"

#include <algorithm>

namespace relgate::gitops
{
namespace
{

// folder + "/" + relative, with "." and ".." resolved lexically; "" when it leaves the repository.
std::string resolve_relative(const std::string &folder, std::string_view relative)
{
  std::vector<std::string> parts;
  auto push_all = [&parts](std::string_view path) -> bool {
    std::size_t start = 0;
    while (start <= path.size()) {
      std::size_t end = path.find('/', start);
      if (end == std::string_view::npos)
        end = path.size();
      auto part = path.substr(start, end - start);
      if (part == "..") {
        if (parts.empty())
          return false;
        parts.pop_back();
      } else if (!part.empty() && part != ".") {
        parts.emplace_back(part);
      }
      start = end + 1;
    }
    return true;
  };
  if (!push_all(folder) || !push_all(relative))
    return "";
  std::string joined;
  for (const auto &part : parts)
    joined += (joined.empty() ? "" : "/") + part;
  return joined;
}

bool is_token_char(char c)
{
  return c != ' ' && c != '\t' && c != '[' && c != ']' && c != ',' && c != '"' && c != '\'' && c != '\r';
}

bool is_kustomization(const std::string &path)
{
  const std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  return name == "kustomization.yaml" || name == "kustomization.yml" || name == "Kustomization";
}

bool is_yaml(const std::string &path)
{
  return path.ends_with(".yaml") || path.ends_with(".yml");
}

std::vector<std::string> split_nul(const std::string &text)
{
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\0', start);
    if (end == std::string::npos)
      end = text.size();
    if (end > start)
      items.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return items;
}

Result<std::string> read_repo_file(const GitRepo &repo, const std::string &relative)
{
  RELGATE_ASSIGN_OR_RETURN(auto path, safe_path(repo.work_tree(), relative));
  return read_file(path, default_max_input_bytes, Symlinks::refuse);
}

Result<void> check_whole_tree_clean(const GitRepo &repo)
{
  RELGATE_ASSIGN_OR_RETURN(auto status, repo.check({"status", "--porcelain", "--untracked-files=no"}));
  if (status.empty())
    return check_relgate_files_clean(repo);
  return make_error(repo.work_tree() + " has uncommitted changes (" + status.substr(0, status.find('\n')) +
                    "): the migration is one commit of its own; commit or discard them (`git -C " + repo.work_tree() +
                    " status`) and run again");
}

struct MigrationPlanState {
  MigrationReport &report;
  const std::string &app;
};

Result<std::optional<PlannedCommit>> plan_migration(const GitRepo &repo, MigrationPlanState &state)
{
  const std::string &app = state.app;
  auto &report = state.report;
  report.envs.clear();
  report.overlays.clear();
  report.other_mentions.clear();
  report.symlinks.clear();
  report.already_migrated = false;
  RELGATE_ASSIGN_OR_RETURN(auto legacy, find_legacy_layout(repo.work_tree()));
  RELGATE_ASSIGN_OR_RETURN(auto apps, list_apps(repo.work_tree()));
  if (legacy.empty()) {
    if (std::find(apps.begin(), apps.end(), app) != apps.end()) {
      report.already_migrated = true;
      return std::optional<PlannedCommit>();
    }
    return make_error(repo.work_tree() +
                      " has no single-application layout to migrate (no relgate/<env>/state.json, "
                      "no relgate/releases.json) and no relgate/" +
                      app + "/: nothing to do");
  }
  if (std::find(legacy.envs.begin(), legacy.envs.end(), app) != legacy.envs.end()) {
    return make_error("--app " + app + " is also an environment folder of the old layout (relgate/" + app +
                      "/): pick another application name");
  }
  report.envs = legacy.envs;
  PlannedCommit commit;
  RELGATE_ASSIGN_OR_RETURN(auto listed, repo.check({"ls-files", "-z", "--", std::string(relgate_root)}));
  for (const auto &env : legacy.envs) {
    const std::string old_dir = legacy_env_paths(env).dir + "/";
    const std::string new_dir = env_paths(app, env).dir + "/";
    RELGATE_ASSIGN_OR_RETURN(auto taken, safe_path(repo.work_tree(), env_paths(app, env).dir));
    if (file_exists(taken)) {
      return make_error(env_paths(app, env).dir + " already exists beside the old " + old_dir +
                        ": the repository is half-migrated; resolve it by hand (keep one of them) and run again");
    }
    for (const auto &file : split_nul(listed)) {
      if (!file.starts_with(old_dir))
        continue;
      RELGATE_ASSIGN_OR_RETURN(auto content, read_repo_file(repo, file));
      if (file == legacy_env_paths(env).state) {
        RELGATE_ASSIGN_OR_RETURN(auto parsed, parse_state(content, repo.work_tree() + "/" + file));
        parsed.app = app;
        content = serialize_state(parsed);
      }
      commit.removes.push_back(file);
      commit.writes.push_back({new_dir + file.substr(old_dir.size()), std::move(content)});
    }
  }
  if (legacy.releases_index) {
    // Never over an application's own index (a relgate/releases.json planted beside migrated
    // applications would otherwise reset that application's rejected releases).
    RELGATE_ASSIGN_OR_RETURN(auto own_index, safe_path(repo.work_tree(), releases_path(app)));
    if (file_exists(own_index)) {
      return make_error(releases_path(app) + " already exists beside the old " + releases_path() +
                        ": the repository is half-migrated or the old file was added by hand; keep one of them "
                        "(git history shows which relgate wrote) and run again");
    }
    RELGATE_ASSIGN_OR_RETURN(auto content, read_repo_file(repo, releases_path()));
    commit.removes.push_back(releases_path());
    commit.writes.push_back({releases_path(app), std::move(content)});
  }

  RELGATE_ASSIGN_OR_RETURN(auto all, repo.check({"ls-files", "-z"}));
  for (const auto &file : split_nul(all)) {
    if (file.starts_with(std::string(relgate_root) + "/") || !is_yaml(file))
      continue;
    // A tracked symlink (to a shared base, or anywhere on the runner): never followed, never
    // rewritten, and no reason to refuse the whole migration; listed to check by hand.
    RELGATE_TRY(validate_relative_path(file));
    if (is_symlink(repo.work_tree() + "/" + file)) {
      report.symlinks.push_back(file);
      continue;
    }
    RELGATE_ASSIGN_OR_RETURN(auto text, read_repo_file(repo, file));
    if (is_kustomization(file)) {
      std::vector<int> lines;
      RELGATE_ASSIGN_OR_RETURN(auto rewritten, rewrite_overlay_references(file, text, legacy.envs, app, lines));
      for (int line : lines)
        report.overlays.push_back(file + ":" + std::to_string(line));
      if (!lines.empty())
        commit.writes.push_back({file, std::move(rewritten)});
      continue;
    }
    for (const auto &env : legacy.envs) {
      if (text.find("relgate/" + env) != std::string::npos) {
        report.other_mentions.push_back(file);
        break;
      }
    }
  }

  std::string message = "relgate: per-application layout, the environments move to relgate/" + app + "/\n\n";
  std::string envs;
  for (const auto &env : legacy.envs)
    envs += (envs.empty() ? "" : ", ") + env;
  message += message_line("Moved relgate/<env>/ to relgate/" + app + "/<env>/ for: " + envs) + "\n";
  if (legacy.releases_index)
    message += message_line("Moved relgate/releases.json to " + releases_path(app)) + "\n";
  for (const auto &overlay : report.overlays)
    message += message_line("Rewrote the Component reference at " + overlay) + "\n";
  message += "\nRelgate-Action: migrate-layout\n" + message_line("Relgate-App: " + app) + "\n";
  commit.message = message;
  return std::optional<PlannedCommit>(std::move(commit));
}

} // namespace

Result<std::string> rewrite_overlay_references(const std::string &file_path, std::string_view text,
                                               const std::vector<std::string> &envs, const std::string &app,
                                               std::vector<int> &changed_lines)
{
  const std::string folder = file_path.rfind('/') == std::string::npos ? "" : file_path.substr(0, file_path.rfind('/'));
  std::string output;
  output.reserve(text.size() + 64);
  int number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    ++number;
    std::size_t end = text.find('\n', start);
    std::size_t next = end == std::string_view::npos ? text.size() : end + 1;
    std::string line(text.substr(start, next - start));
    // A comment starts at '#' at the line start or after a blank; paths after it stay as they are.
    std::size_t limit = line.size();
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
        limit = i;
        break;
      }
    }
    bool changed = false;
    std::size_t pos = 0;
    while (pos < limit) {
      if (!is_token_char(line[pos]) || line[pos] == '\n') {
        ++pos;
        continue;
      }
      std::size_t token_end = pos;
      while (token_end < limit && is_token_char(line[token_end]) && line[token_end] != '\n')
        ++token_end;
      std::string token = line.substr(pos, token_end - pos);
      std::string bare = token;
      while (bare.size() > 1 && bare.back() == '/')
        bare.pop_back();
      const std::string resolved = resolve_relative(folder, bare);
      for (const auto &env : envs) {
        const std::string old_dir = std::string(relgate_root) + "/" + env;
        if (resolved != old_dir)
          continue;
        if (!bare.ends_with(old_dir) ||
            (bare.size() > old_dir.size() && bare[bare.size() - old_dir.size() - 1] != '/')) {
          return make_error(file_path + ":" + std::to_string(number) + ": '" + token + "' names " + old_dir +
                            " in a form the migration does not rewrite: write it as <prefix>" + old_dir +
                            " and run again");
        }
        std::string replacement =
            bare.substr(0, bare.size() - old_dir.size()) + env_paths(app, env).dir + token.substr(bare.size());
        line.replace(pos, token.size(), replacement);
        const std::size_t grown = replacement.size() - token.size();
        limit += grown;
        token_end += grown;
        changed = true;
      }
      pos = token_end;
    }
    if (changed)
      changed_lines.push_back(number);
    output += line;
    start = next;
  }
  return output;
}

Result<MigrationReport> migrate_layout(const GitRepo &repo, const std::string &app, const PublishOptions &options)
{
  RELGATE_TRY(validate_app_name(app));
  RELGATE_TRY(check_repository(repo));
  RELGATE_TRY(check_whole_tree_clean(repo));
  MigrationReport report;
  MigrationPlanState state{report, app};
  RELGATE_ASSIGN_OR_RETURN(report.published, publish(repo, options, [&](int) { return plan_migration(repo, state); }));
  return report;
}

} // namespace relgate::gitops
