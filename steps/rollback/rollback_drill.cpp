#include "rollback_drill.hpp"

#include "file_io.hpp"
#include "git_cli.hpp"
#include "repo_layout.hpp"
#include "yaml_scalar.hpp"

#include <cstdlib>
#include <filesystem>

namespace relgate::rollback
{
namespace
{

// Removes the scratch folder however the drill ends.
struct ScratchDir {
  std::string path;
  ~ScratchDir()
  {
    std::error_code error;
    if (!path.empty())
      std::filesystem::remove_all(path, error);
  }
};

Result<std::string> make_scratch_dir()
{
  // The error_code overload: an unusable TMPDIR is an error value, not an exception.
  std::error_code error;
  const auto temp = std::filesystem::temp_directory_path(error);
  if (error)
    return make_error("no usable temporary folder for the drill's scratch clone (" + error.message() +
                      "): set TMPDIR to a writable folder");
  std::string base = temp.string() + "/relgate-drill-XXXXXX";
  if (::mkdtemp(base.data()) == nullptr)
    return make_error("cannot create a scratch folder under " + base);
  return base;
}

} // namespace

Result<std::string> check_rolled_back(const std::string &repo, const std::string &env, const RollbackPlan &plan)
{
  RELGATE_ASSIGN_OR_RETURN(auto state, gitops::load_state(repo, plan.after.app, env));
  if (!state)
    return make_error("post-check: the state file is gone");
  if (state->canary)
    return make_error("post-check: a canary is still running (" + state->canary->release_id + ")");
  std::string expected = plan.target ? plan.target->digest : "";
  std::string actual = state->stable ? state->stable->digest : "";
  if (actual != expected)
    return make_error("post-check: stable is " + actual + ", expected " + expected);
  RELGATE_ASSIGN_OR_RETURN(auto component_path,
                           gitops::safe_path(repo, gitops::env_paths(plan.after.app, env).component));
  RELGATE_ASSIGN_OR_RETURN(auto component, read_file(component_path));
  if (!expected.empty() && component.find("digest: " + gitops::yaml_quoted(expected) + "\n") == std::string::npos) {
    return make_error("post-check: " + gitops::env_paths(plan.after.app, env).component + " does not pin " + expected);
  }
  return "state and Component pin " + (expected.empty() ? std::string("no release") : expected) + ", no canary";
}

Result<DrillResult> run_drill(const RollbackRequest &request)
{
  const auto started = std::chrono::steady_clock::now();
  DrillResult result;
  RELGATE_ASSIGN_OR_RETURN(auto scratch_path, make_scratch_dir());
  ScratchDir scratch{scratch_path};
  const std::string clone = scratch_path + "/repo";
  RELGATE_TRY(gitops::git_clone(request.repo, clone));

  RollbackRequest drill = request;
  drill.repo = clone;
  RELGATE_ASSIGN_OR_RETURN(result.plan, plan_rollback(drill));
  gitops::GitRepo repo(clone);
  RELGATE_ASSIGN_OR_RETURN(result.scratch_commit, gitops::commit_planned(repo, result.plan.commit));
  auto checked = check_rolled_back(clone, request.env, result.plan);
  result.post_check_passed = checked.ok();
  result.post_check = checked ? *checked : checked.message();
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return result;
}

} // namespace relgate::rollback
