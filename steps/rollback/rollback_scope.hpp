// Which application and environment a rollback acts on. The application: --app, else the last path
// component of the --evidence subject's repository, else the repository's only application (several:
// an error listing them). With an explicit --policy that lists environments, --env must be one of
// that application's ([apps.<app>.environments] when it has its own, else [environments]).
#pragma once

#include "result.hpp"

#include <optional>
#include <string>

namespace relgate::rollback
{

// app_flag: --app (nullopt when absent); evidence_path: --evidence ("" when absent).
Result<std::string> choose_rollback_app(const std::optional<std::string> &app_flag, const std::string &evidence_path,
                                        const std::string &repo);

// With --evidence: the file must concern the application. Its subject derives the application, or
// (an image bound to another name) relgate/<app>/<env>/'s ledger ran its digest. Otherwise the
// rollback or drill record would land in another service's evidence, and audit would file that
// whole file under this application.
Result<void> check_evidence_of_app(const std::string &evidence_path, const std::string &repo, const std::string &app,
                                   const std::string &env);

// Ok when the policy names no environments (a [clock]/[evidence]-only policy) or lists env for app.
Result<void> check_env_in_policy(const std::string &policy_path, const std::string &app, const std::string &env);

} // namespace relgate::rollback
