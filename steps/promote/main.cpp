#include "promote_step.hpp"

int main(int argc, char **argv)
{
  return relgate::step_main(relgate::promote::promote_spec(), argc, argv);
}
