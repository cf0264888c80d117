/*
 * Key generation rate of the machine's OpenSSL (libcrypto), for the benchmark's physical limit:
 * `openssl speed` in OpenSSL 3.0 has no key-generation test, and a loop of `openssl genpkey` processes
 * measures process start-up, not key generation. One thread; bounded by the given seconds of wall time,
 * and divided by the CPU time the process used, as `openssl speed` divides by CPU time (without -elapsed): on a
 * shared machine the rate is the one core's, not whatever share of it the other work left.
 *
 * usage: keygen ec|rsa SECONDS
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds_of(clockid_t clock) {
  struct timespec t;
  clock_gettime(clock, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static double now(void) { return seconds_of(CLOCK_MONOTONIC); }

static double cpu(void) { return seconds_of(CLOCK_PROCESS_CPUTIME_ID); }

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "ec") != 0 && strcmp(argv[1], "rsa") != 0)) {
    fprintf(stderr, "usage: keygen ec|rsa SECONDS\n");
    return 2;
  }
  int ec = strcmp(argv[1], "ec") == 0;
  double seconds = atof(argv[2]);
  double start = now();
  double cpu_start = cpu();
  long keys = 0;
  while (now() - start < seconds) {
    EVP_PKEY *key = ec ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")
                       : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t) 2048);
    if (key == NULL) {
      fprintf(stderr, "key generation failed\n");
      return 1;
    }
    EVP_PKEY_free(key);
    keys++;
  }
  printf("%.1f\n", keys / (cpu() - cpu_start));
  return 0;
}
