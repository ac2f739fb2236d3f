#include "step_main.hpp"
#include "verify_step.hpp"

#include <openssl/rand.h>

int main(int argc, char **argv)
{
  // OpenSSL draws random numbers here only to blind its EC arithmetic. Its default CTR-DRBG
  // fetches AES, which builds OpenSSL's whole cipher table on first use (about 0.5 ms of a
  // keyless run); the Hash-DRBG over SHA-256 (also NIST SP 800-90A) reuses the digest table the
  // step has loaded anyway. Must run before anything draws a random number.
  RAND_set_DRBG_type(nullptr, "HASH-DRBG", nullptr, nullptr, "SHA256");
  return relgate::step_main(relgate::sig::verify_signature_spec(), argc, argv);
}
