// `evidence`: the evidence file for people and pipelines (see docs/evidence.md).
#include "evidence_commands.hpp"

#include "ci_log_guard.hpp"
#include "step_main.hpp"

#include <iostream>

int main(int argc, char **argv)
{
  const relgate::GithubLogGuard log_guard; // `evidence show` prints recorded data (docs/ci.md)
  const relgate::StepIo io{std::cout, std::cerr};
  return relgate::run_program("evidence", io, [&] { return relgate::evidence_cli::run_evidence_cli(argc, argv, io); });
}
