// `audit`: reports what relgate recorded (see docs/audit.md).
#include "audit_cli.hpp"

#include "ci_log_guard.hpp"
#include "decision.hpp"

#include <exception>
#include <iostream>

int main(int argc, char **argv)
{
  const relgate::GithubLogGuard log_guard; // reports print recorded data (docs/ci.md)
  try {
    return relgate::audit::run_audit_cli(argc, argv, {std::cout, std::cerr});
  } catch (const std::exception &error) {
    std::cerr << "audit: error: " << error.what() << "\n";
    return relgate::exit_error;
  }
}
