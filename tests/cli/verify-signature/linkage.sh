#!/usr/bin/env bash
# verify-signature carries exactly one OpenSSL: either libcrypto linked in statically (portable
# builds, RELGATE_STATIC_OPENSSL: no libcrypto.so.3 or libssl.so.3 loaded at run time) or the
# system's shared one (no copy inside). Both at once would give two OpenSSL states in one
# process. The statically linked binary also reads no openssl.cnf and still prints OpenSSL's
# reason strings (loaded on demand).
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
command -v readelf >/dev/null || skip "readelf not installed"
command -v openssl >/dev/null || skip "openssl not installed"
bin=$RELGATE_BIN_DIR/verify-signature
needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
static_copy=no
symbols=$(readelf -sW "$bin")
grep -Eq ' FUNC +GLOBAL +DEFAULT +[0-9]+ OPENSSL_init_crypto$' <<<"$symbols" && static_copy=yes
static_option=$(sed -n 's/^RELGATE_STATIC_OPENSSL:BOOL=//p' "$RELGATE_BUILD_DIR/CMakeCache.txt" 2>/dev/null)
case "$static_option" in
ON)
  expect_eq "$static_copy" yes "RELGATE_STATIC_OPENSSL=ON: libcrypto is inside the executable"
  expect_not_contains "$needed" "libcrypto" "static OpenSSL: libcrypto.so not NEEDED ($needed)"
  expect_not_contains "$needed" "libssl" "static OpenSSL: libssl.so not NEEDED ($needed)"
  ;;
*)
  expect_eq "$static_copy" no "shared OpenSSL: no copy inside the executable"
  expect_contains "$needed" "libcrypto.so" "shared OpenSSL: libcrypto.so NEEDED"
  ;;
esac

# No OpenSSL configuration file is read (OPENSSL_INIT_NO_LOAD_CONFIG): this one would make every
# algorithm fetch ask for a FIPS provider that is not there, and the step would fail to hash.
cd "$TMP" || exit 1
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key 2>/dev/null
openssl pkey -in rsa.key -pubout -out rsa.pub
printf 'blob\n' >blob
openssl dgst -sha256 -sign rsa.key -out rsa.sig.der blob
printf 'openssl_conf = openssl_init\n[openssl_init]\nalg_section = algorithms\n[algorithms]\ndefault_properties = fips=yes\n' >fips.cnf
run env OPENSSL_CONF="$TMP/fips.cnf" verify-signature --artifact blob --key rsa.pub --signature rsa.sig.der
expect_rc 0 "verifies without reading OPENSSL_CONF"
# An OpenSSL error turned into text reads as OpenSSL's words, not a bare code.
head -c 100 rsa.sig.der >short.sig.der
run verify-signature --artifact blob --key rsa.pub --signature short.sig.der
expect_rc 1 "short RSA signature"
expect_contains "$out" "(OpenSSL: PKCS#1 v1.5 wrong signature length, PSS " "OpenSSL's reason string"
finish
