#include "rollback_step.hpp"

int main(int argc, char **argv)
{
  return relgate::step_main(relgate::rollback::rollback_spec(), argc, argv);
}
