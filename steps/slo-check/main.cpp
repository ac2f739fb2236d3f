#include "slo_check.hpp"

int main(int argc, char **argv)
{
  return relgate::step_main(relgate::slo::slo_check_spec(), argc, argv);
}
