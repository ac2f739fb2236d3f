// scan-gate: may this artifact ship with the vulnerabilities its scanners found?
#include "scan_gate_step.hpp"

int main(int argc, char **argv)
{
  return relgate::step_main(relgate::scan::scan_gate_spec(), argc, argv);
}
