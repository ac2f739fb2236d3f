// `audit`: reports what relgate recorded (see docs/audit.md).
#include "audit_cli.hpp"

#include "ci_log_guard.hpp"
#include "step_main.hpp"

#include <iostream>

int main(int argc, char **argv)
{
  const relgate::GithubLogGuard log_guard; // reports print recorded data (docs/ci.md)
  const relgate::StepIo io{std::cout, std::cerr};
  return relgate::run_program("audit", io, [&] { return relgate::audit::run_audit_cli(argc, argv, io); });
}
