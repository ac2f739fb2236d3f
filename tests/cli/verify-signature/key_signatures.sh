#!/usr/bin/env bash
# cosign-style key signatures with fixtures made by openssl at test time: every key type,
# base64 and raw DER signatures, tampered blobs, wrong keys, malformed signatures and keys,
# policy windows and thresholds, simple-signing payloads, and the evidence record.
source "$(dirname "$0")/../lib.sh"
command -v openssl >/dev/null || skip "openssl not installed"
cd "$TMP" || exit 1
# The clock is pinned with --now (RELGATE_NOW is refused); NOW=... before `run` changes it for one call.
NOW=2026-02-11T09:30:00Z
verify-signature() { command verify-signature --now "$NOW" "$@"; }

printf 'release artifact\n' > blob
head -c 300000 /dev/urandom > big.bin
cp blob tampered && printf 'x' >> tampered

# key NAME GENPKEY-ARGS...: private key NAME.key and public key NAME.pub
key() { local name=$1; shift; openssl genpkey "$@" -out "$name.key" 2>/dev/null && openssl pkey -in "$name.key" -pubout -out "$name.pub"; }
key p256 -algorithm EC -pkeyopt ec_paramgen_curve:P-256
key p384 -algorithm EC -pkeyopt ec_paramgen_curve:P-384
key p521 -algorithm EC -pkeyopt ec_paramgen_curve:P-521
key ed25519 -algorithm ED25519
key rsa -algorithm RSA -pkeyopt rsa_keygen_bits:2048
key other -algorithm EC -pkeyopt ec_paramgen_curve:P-256
openssl rsa -in rsa.key -RSAPublicKey_out -out rsa-pkcs1.pub 2>/dev/null

# sign KEY HASH FILE OUT: DER signature OUT.der and base64 OUT (what cosign sign-blob writes)
sign() {
  if [ "$2" = none ]; then openssl pkeyutl -sign -inkey "$1.key" -rawin -in "$3" -out "$4.der"
  else openssl dgst "-$2" -sign "$1.key" -out "$4.der" "$3"; fi
  base64 -w0 "$4.der" > "$4"; echo >> "$4"
}
sign p256 sha256 blob p256.sig
sign p384 sha384 blob p384.sig
sign p521 sha512 blob p521.sig
sign ed25519 none blob ed25519.sig
sign rsa sha256 blob rsa.sig
openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sign rsa.key -out rsa-pss.sig.der blob
sign p256 sha256 big.bin big.sig
sign other sha256 blob other.sig

for k in p256 p384 p521 ed25519 rsa; do
  run verify-signature --artifact blob --key $k.pub --signature $k.sig
  expect_rc 0 "$k base64 signature"
  expect_contains "$out" "is signed by key $k.pub" "$k reason"
  run verify-signature --artifact blob --key $k.pub --signature $k.sig.der
  expect_rc 0 "$k raw DER signature"
  run verify-signature --artifact tampered --key $k.pub --signature $k.sig
  expect_rc 1 "$k tampered blob"
  expect_contains "$out" "signature does not verify" "$k tampered reason"
  expect_contains "$out" "with key $k.pub" "$k tampered key named"
done
# OpenSSL's own reason is kept (RSA names both paddings tried); a mismatching ECDSA signature
# gets none from OpenSSL and reads plainly.
run verify-signature --artifact tampered --key rsa.pub --signature rsa.sig
expect_contains "$out" "signature does not verify (OpenSSL: PKCS#1 v1.5 " "rsa reason from OpenSSL"
run verify-signature --artifact tampered --key p256.pub --signature p256.sig
expect_contains "$out" "signature does not verify with key p256.pub (ecdsa-p256)" "ecdsa reason"
run verify-signature --artifact blob --key rsa-pss.sig.der --signature rsa.sig
expect_rc 2 "a signature given as a key"
run verify-signature --artifact blob --key rsa.pub --signature rsa-pss.sig.der
expect_rc 0 "RSA-PSS signature"
run verify-signature --artifact blob --key rsa-pkcs1.pub --signature rsa.sig
expect_rc 0 "PKCS#1 RSA PUBLIC KEY"
openssl pkey -pubin -in p256.pub -outform DER -out p256.der
run verify-signature --artifact blob --key p256.der --signature p256.sig
expect_rc 0 "binary DER public key"
run verify-signature --artifact big.bin --key p256.pub --signature big.sig
expect_rc 0 "larger artifact"
run verify-signature --artifact blob --key p384.pub --signature p256.sig
expect_rc 1 "wrong key"
expect_contains "$out" "(ecdsa-p384)" "key kind named"
run verify-signature --digest "sha256:$(sha256sum blob | cut -d' ' -f1)" --key p256.pub --signature p256.sig
expect_rc 0 "bare digest"
run verify-signature --digest "sha256:$(sha256sum blob | cut -d' ' -f1)" --key ed25519.pub --signature ed25519.sig
expect_rc 1 "Ed25519 needs the message"
expect_contains "$out" "pass --artifact FILE" "Ed25519 digest reason"
run verify-signature --digest "sha256:$(sha256sum blob | cut -d' ' -f1)" --key p384.pub --signature p384.sig
expect_rc 1 "P-384 needs a sha384 digest"
expect_contains "$out" "sha384 digest is needed" "P-384 digest reason"

# Malformed signatures
head -c 20 p256.sig.der | base64 -w0 > truncated.sig
run verify-signature --artifact blob --key p256.pub --signature truncated.sig
expect_rc 1 "truncated signature"
expect_contains "$out" "ASN.1" "truncated reason"
printf 'this is not a signature!\n' > text.sig
run verify-signature --artifact blob --key p256.pub --signature text.sig
expect_rc 2 "non-base64 signature"
expect_contains "$err" "neither base64 nor binary DER" "non-base64 reason"
: > empty.sig
run verify-signature --artifact blob --key p256.pub --signature empty.sig
expect_rc 2 "empty signature"
expect_contains "$err" "signature file is empty" "empty reason"
run verify-signature --artifact blob --key p256.pub --signature missing.sig
expect_rc 2 "missing signature file"

# Malformed and wrong keys
sed '2s/^..../!!!!/' p256.pub > junk.pub
run verify-signature --artifact blob --key junk.pub --signature p256.sig
expect_rc 2 "PEM with junk in the body"
expect_contains "$err" "junk.pub" "junk names the file"
printf 'hello\n' > nopem.pub
run verify-signature --artifact blob --key nopem.pub --signature p256.sig
expect_rc 2 "no PEM block"
expect_contains "$err" "no PEM block" "no PEM reason"
run verify-signature --artifact blob --key p256.key --signature p256.sig
expect_rc 2 "private key given"
expect_contains "$err" "pass the public key" "private key reason"
openssl req -x509 -key p256.key -subj /CN=test -days 1 -out cert.pem 2>/dev/null
run verify-signature --artifact blob --key cert.pem --signature p256.sig
expect_rc 2 "certificate given"
expect_contains "$err" "holds a certificate" "certificate reason"
key k1 -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1
run verify-signature --artifact blob --key k1.pub --signature p256.sig
expect_rc 2 "unsupported curve"
expect_contains "$err" "unsupported EC curve" "curve reason"
key weak -algorithm RSA -pkeyopt rsa_keygen_bits:1024
run verify-signature --artifact blob --key weak.pub --signature p256.sig
expect_rc 2 "weak RSA key"
expect_contains "$err" "too weak" "weak reason"

# Usage errors fail closed
run verify-signature --key p256.pub --signature p256.sig
expect_rc 2 "no artifact"
run verify-signature --artifact blob --digest sha256:abc --key p256.pub --signature p256.sig
expect_rc 2 "artifact and digest"
run verify-signature --artifact blob --signature p256.sig
expect_rc 2 "signature without key"
run verify-signature --digest latest --key p256.pub --signature p256.sig
expect_rc 2 "tag instead of digest"

# Policy: named keys with windows, k-of-n threshold
mkdir -p policy/keys && cp p256.pub p384.pub ed25519.pub other.pub policy/keys/
cat > policy/signature.toml <<'TOML'
version = 1
threshold = 2
[[keys]]
name = "prod-2026"
path = "keys/p256.pub"
not_before = "2026-01-01"
[[keys]]
name = "prod-p384"
path = "keys/p384.pub"
[[keys]]
name = "old-2024"
path = "keys/ed25519.pub"
not_after = "2025-01-01"
TOML
run verify-signature --policy policy/signature.toml --artifact blob --signature p256.sig --signature p384.sig --format json
expect_rc 0 "two of three keys"
expect_eq "$(jq -r '.summary.verified_keys | join(",")' <<<"$out")" "prod-2026,prod-p384" "verified key names"
run verify-signature --policy policy/signature.toml --artifact blob --signature p256.sig
expect_rc 1 "one of two required keys"
expect_contains "$out" "only 1 of 2 required trusted keys signed (prod-2026)" "threshold reason"
run verify-signature --policy policy/signature.toml --artifact blob --signature p256.sig --signature ed25519.sig
expect_rc 1 "expired key does not count"
expect_contains "$out" "key old-2024 expired on 2025-01-01T00:00:00Z" "expired reason"
run verify-signature --policy policy/signature.toml --threshold 1 --artifact blob --signature p384.sig
expect_rc 0 "--threshold overrides the policy"
NOW=2025-06-01T00:00:00Z run verify-signature --policy policy/signature.toml --threshold 1 --artifact blob --signature p256.sig
expect_rc 1 "key not yet valid"
expect_contains "$out" "not valid before" "not_before reason"
run verify-signature --policy policy/signature.toml --artifact blob --signature p256.sig --signature other.sig --key other.pub
expect_rc 0 "--key complements the policy"
run verify-signature --policy policy/signature.toml --artifact blob --signature p256.sig --key p256.pub
expect_rc 1 "the same key given twice counts once"
expect_contains "$out" "only 1 of 2 required trusted keys signed (prod-2026)" "duplicate key reason"
printf 'version = 1\nthreshold = 1\ncolour = "red"\n' > policy/bad.toml
run verify-signature --policy policy/bad.toml --artifact blob --key p256.pub --signature p256.sig
expect_rc 2 "unknown policy key"
expect_contains "$err" "colour" "unknown key named"
printf 'version = 1\n[[keys]]\nname = "a"\npath = "nowhere.pub"\n' > policy/missing.toml
run verify-signature --policy policy/missing.toml --artifact blob --signature p256.sig
expect_rc 2 "policy key file missing"
expect_contains "$err" "nowhere.pub" "missing key file named"

# Simple-signing payload (container image signature form)
image_digest="sha256:$(sha256sum big.bin | cut -d' ' -f1)"
printf '{"critical":{"identity":{"docker-reference":"ghcr.io/acme/api"},"image":{"docker-manifest-digest":"%s"},"type":"cosign container image signature"},"optional":null}' "$image_digest" > payload.json
sign p256 sha256 payload.json payload.sig
run verify-signature --digest "$image_digest" --payload payload.json --signature payload.sig --key p256.pub
expect_rc 0 "simple-signing payload"
run verify-signature --digest "sha256:$(sha256sum blob | cut -d' ' -f1)" --payload payload.json --signature payload.sig --key p256.pub
expect_rc 1 "payload names another image"
expect_contains "$out" "signed payload names image $image_digest" "payload mismatch reason"
sed 's/cosign container image signature/something else/' payload.json > payload-bad.json
sign p256 sha256 payload-bad.json payload-bad.sig
run verify-signature --digest "$image_digest" --payload payload-bad.json --signature payload-bad.sig --key p256.pub
expect_rc 2 "wrong critical.type"

# Evidence record and JSON output
blob_digest="sha256:$(sha256sum blob | cut -d' ' -f1)"
run verify-signature --artifact blob --key p256.pub --signature p256.sig --evidence ev.json --subject "acme/blob@$blob_digest"
expect_rc 0 "evidence append"
expect_eq "$(jq -r '.records[0].step' ev.json)" "verify-signature" "record step"
expect_eq "$(jq -r '.records[0].decision' ev.json)" "ALLOW" "record decision"
expect_eq "$(jq -r '.records[0].summary.digest' ev.json)" "$blob_digest" "record digest"
expect_eq "$(jq -r '.records[0].summary.verified_keys[0]' ev.json)" "p256.pub" "record key"
expect_eq "$(jq -r '.records[0].summary.checks[0]' ev.json)" "key-signature" "record checks"
openssl pkey -pubin -in p256.pub -outform DER -out p256.der
run verify-signature --artifact blob --key p256.der --signature p256.sig
expect_rc 0 "binary DER public key"
run verify-signature --artifact big.bin --key p256.pub --signature big.sig --evidence ev.json
expect_rc 2 "artifact is not the evidence subject"
run verify-signature --artifact tampered --key p256.pub --signature p256.sig --format json
expect_rc 1 "json deny"
expect_eq "$(jq -r '.decision' <<<"$out")" "DENY" "json decision"
expect_eq "$(jq -r '.step' <<<"$out")" "verify-signature" "json step"
run verify-signature --help
expect_rc 0 "--help"
expect_contains "$out" "--trusted-root" "help lists options"
finish
