/* What keyless verification pays OpenSSL per certificate it decodes: d2i_X509, which in OpenSSL
 * 3.0 also decodes the certificate's public key through the decoder framework, and X509_free.
 * Warm, in one process (a lower bound for the first call of a fresh one). bench.sh builds it.
 * usage: d2i_probe ROUNDS FILE.der...    prints CPU microseconds per certificate */
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { max_files = 16, max_bytes = 1 << 16 };

int main(int argc, char **argv)
{
  static unsigned char der[max_files][max_bytes];
  long length[max_files];
  const int files = argc - 2;
  const long rounds = argc > 1 ? atol(argv[1]) : 0;
  if (files < 1 || files > max_files || rounds < 1) {
    fprintf(stderr, "usage: d2i_probe ROUNDS FILE.der... (at most %d files)\n", max_files);
    return 2;
  }
  for (int i = 0; i < files; ++i) {
    FILE *file = fopen(argv[i + 2], "rb");
    if (file == NULL) {
      perror(argv[i + 2]);
      return 2;
    }
    length[i] = (long)fread(der[i], 1, max_bytes, file);
    fclose(file);
  }
  struct timespec start, end;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &start);
  for (long round = 0; round < rounds; ++round) {
    for (int i = 0; i < files; ++i) {
      const unsigned char *cursor = der[i];
      X509 *cert = d2i_X509(NULL, &cursor, length[i]);
      if (cert == NULL) {
        fprintf(stderr, "%s: not a DER certificate\n", argv[i + 2]);
        return 1;
      }
      X509_free(cert);
    }
  }
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &end);
  const double micros = (double)(end.tv_sec - start.tv_sec) * 1e6 + (double)(end.tv_nsec - start.tv_nsec) / 1e3;
  printf("%.1f\n", micros / (double)(rounds * files));
  return 0;
}
