// `evidence`: the evidence file for people and pipelines (see docs/evidence.md).
#include "evidence_commands.hpp"

#include "decision.hpp"

#include <exception>
#include <iostream>

int main(int argc, char **argv)
{
  try {
    return relgate::evidence_cli::run_evidence_cli(argc, argv, {std::cout, std::cerr});
  } catch (const std::exception &error) {
    std::cerr << "evidence: error: " << error.what() << "\n";
    return relgate::exit_error;
  }
}
