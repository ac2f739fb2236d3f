#include "rollback_scope.hpp"

#include "app_layout.hpp"
#include "encoding.hpp"
#include "evidence.hpp"
#include "ledger.hpp"
#include "policy.hpp"
#include "repo_layout.hpp"
#include "text_join.hpp"

#include <algorithm>

namespace relgate::rollback
{

Result<std::string> choose_rollback_app(const std::optional<std::string> &app_flag, const std::string &evidence_path,
                                        const std::string &repo)
{
  if (app_flag) {
    if (auto valid = gitops::validate_app_name(*app_flag); !valid)
      return make_error("--app: " + valid.message());
    return *app_flag;
  }
  if (!evidence_path.empty()) {
    RELGATE_ASSIGN_OR_RETURN(auto evidence, load_evidence(evidence_path));
    return gitops::app_name_from_subject(evidence.subject.name);
  }
  RELGATE_TRY(gitops::check_no_legacy_layout(repo));
  RELGATE_ASSIGN_OR_RETURN(auto apps, gitops::list_apps(repo));
  if (apps.size() == 1)
    return apps.front();
  if (apps.empty())
    return make_error(repo + " holds no application (no relgate/<app>/ folder): nothing to roll back; pass --app NAME "
                             "if the clone is not up to date");
  return make_error(repo + " holds several applications (" + join(apps, ", ") +
                    "): pass --app NAME (rollback acts on one application only)");
}

Result<void> check_evidence_of_app(const std::string &evidence_path, const std::string &repo, const std::string &app,
                                   const std::string &env)
{
  if (evidence_path.empty())
    return ok_result();
  RELGATE_ASSIGN_OR_RETURN(auto evidence, load_evidence(evidence_path));
  const std::string &image = evidence.subject.name;
  auto derived = gitops::app_name_from_subject(image);
  if (derived && *derived == app)
    return ok_result();
  RELGATE_TRY(gitops::validate_env_name(env));
  RELGATE_ASSIGN_OR_RETURN(auto ledger_path, gitops::safe_path(repo, gitops::env_paths(app, env).ledger));
  RELGATE_ASSIGN_OR_RETURN(auto ledger, gitops::read_ledger(ledger_path));
  const std::string digest = evidence.subject.digest.str();
  if (std::any_of(ledger.begin(), ledger.end(), [&](const auto &entry) { return entry.digest == digest; }))
    return ok_result();
  return make_error("--evidence " + evidence_path + " concerns " + printable_excerpt(image, 120) + " (application " +
                    (derived ? *derived : std::string("?")) + "), which " + gitops::env_paths(app, env).dir +
                    " never ran: pass application " + app +
                    "'s evidence (the rollback record goes into the file of the release it concerns), or the right "
                    "--app");
}

Result<void> check_env_in_policy(const std::string &policy_path, const std::string &app, const std::string &env)
{
  // 1 = the promotion policy format version; promote validates the whole file strictly.
  RELGATE_ASSIGN_OR_RETURN(auto loaded, load_policy(policy_path, 1));
  PolicyTable &root = *loaded.root;
  std::optional<PolicyTable> environments;
  std::string where = "[environments]";
  RELGATE_ASSIGN_OR_RETURN(auto apps, root.table("apps"));
  if (apps) {
    RELGATE_ASSIGN_OR_RETURN(auto app_table, apps->table(app));
    if (app_table) {
      RELGATE_ASSIGN_OR_RETURN(environments, app_table->table("environments"));
      where = "[apps." + app + ".environments]";
    }
  }
  if (!environments) {
    RELGATE_ASSIGN_OR_RETURN(environments, root.table("environments"));
    where = "[environments]";
  }
  if (!environments)
    return ok_result(); // a [clock] / [evidence] policy: nothing says which environments exist
  auto names = environments->keys();
  if (std::find(names.begin(), names.end(), env) != names.end())
    return ok_result();
  return make_error("--env " + env + ": not an environment of application " + app + " in " + loaded.path + " " + where +
                    " (known: " + join(names, ", ") + "): check --env, --app and --policy");
}

} // namespace relgate::rollback
