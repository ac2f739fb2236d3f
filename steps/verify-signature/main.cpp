#include "openssl_handles.hpp"
#include "step_main.hpp"
#include "verify_step.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#if RELGATE_STATIC_OPENSSL
// libcrypto's own loader of every library's error strings (crypto/err/err_all.c). Internal, but
// the static archive this executable is linked with exports it; a libcrypto without it fails
// the link, never the run.
extern "C" int ossl_err_load_crypto_strings(void);
#endif

namespace
{

// What OpenSSL would do at first use, minus what a verification does not need (about 0.7 ms of
// a ~6 ms keyless run, bench/verify-signature/bench.sh):
// - NO_LOAD_CONFIG: openssl.cnf is not read. Every algorithm, key size and padding relgate
//   accepts is chosen by relgate (docs/verify-signature.md), from the default provider; a
//   system configuration could only add providers or engines or change defaults a verifier must
//   not depend on, and the statically linked libcrypto would read the build machine's path.
// - NO_ATEXIT: no OPENSSL_cleanup at exit; the process ends and the kernel frees everything.
// - NO_LOAD_CRYPTO_STRINGS (static libcrypto only): the error strings load when an error is
//   turned into text (need_openssl_error_strings), not in every run.
void init_openssl()
{
  uint64_t options = OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT;
#if RELGATE_STATIC_OPENSSL
  options |= OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS;
  relgate::openssl_error_strings_loader = [] { ossl_err_load_crypto_strings(); };
#endif
  OPENSSL_init_crypto(options, nullptr);
  // OpenSSL draws random numbers here only to blind its EC arithmetic. Its default CTR-DRBG
  // fetches AES, which builds OpenSSL's whole cipher table on first use (about 0.5 ms of a
  // keyless run); the Hash-DRBG over SHA-256 (also NIST SP 800-90A) reuses the digest table the
  // step has loaded anyway. Must run before anything draws a random number.
  RAND_set_DRBG_type(nullptr, "HASH-DRBG", nullptr, nullptr, "SHA256");
}

} // namespace

int main(int argc, char **argv)
{
  init_openssl();
  return relgate::step_main(relgate::sig::verify_signature_spec(), argc, argv);
}
