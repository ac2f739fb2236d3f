#include "step_main.hpp"
#include "verify_step.hpp"

int main(int argc, char **argv)
{
  return relgate::step_main(relgate::sig::verify_signature_spec(), argc, argv);
}
