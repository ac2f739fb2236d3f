// `evidence`: the evidence file for people and pipelines (see docs/evidence.md).
#include "evidence_commands.hpp"

#include "ci_log_guard.hpp"
#include "decision.hpp"

#include <exception>
#include <iostream>

int main(int argc, char **argv)
{
  const relgate::GithubLogGuard log_guard; // `evidence show` prints recorded data (docs/ci.md)
  try {
    return relgate::evidence_cli::run_evidence_cli(argc, argv, {std::cout, std::cerr});
  } catch (const std::exception &error) {
    std::cerr << "evidence: error: " << error.what() << "\n";
    return relgate::exit_error;
  }
}
