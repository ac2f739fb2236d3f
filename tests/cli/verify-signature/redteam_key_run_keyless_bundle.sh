#!/usr/bin/env bash
# Red team (verify-signature, outside attacker who supplies the bundle): a run the command line
# makes key-based (--key, "one run is key-based or keyless, as with cosign") ALLOWs a keyless
# bundle by any identity of the policy's [[identities]], and the given key signed nothing:
# --key and --threshold count keys only when a key-signed input is present. A policy that lists
# both kinds (documented: "the policy may list both kinds"), e.g. the release key for artifacts
# and the SLSA generator's workflow identity for provenance, so accepts, where the pipeline asks
# for the release key, a bundle the attacker made with the generator from their own repository
# for the victim's digest (the generic generator signs any subjects it is given). cosign
# verify-blob --key release.pub --bundle keyless.json refuses: the signature is checked with
# the key. Here: the conformance identity in the policy, happy-path-v0.3, --key of an unrelated
# key and --threshold 1: exit 0, "signed by identity ...".
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/conformance_lib.bash"
command -v openssl >/dev/null || skip "openssl not installed"
# Proves: a run the command line makes key-based (--key, --threshold) needs that many trusted keys
# whatever else verified, and a keyless one (--certificate-identity) refuses a bundle signed by a key.
happy="$CASES/happy-path-v0.3/bundle.sigstore.json"
[ -f "$happy" ] || skip "no conformance case at $happy"
cd "$TMP" || exit 1
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem 2>/dev/null
openssl pkey -in key.pem -pubout -out key.pub
cat >policy.toml <<'TOML'
version = 1
[[identities]]
subject = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
issuer = "https://token.actions.githubusercontent.com"
TOML
# Keyless, the policy's identity: ALLOW, as it should.
run verify-signature --policy policy.toml --artifact "$CASES/a.txt" --bundle "$happy" --trusted-root "$ROOT"
expect_rc 0 "keyless run with the policy identity"
# Key-based on the command line: the key must have signed.
for threshold in "" "--threshold 1"; do
  # shellcheck disable=SC2086 # $threshold is empty or two words
  run verify-signature --policy policy.toml --artifact "$CASES/a.txt" --key key.pub $threshold \
    --bundle "$happy" --trusted-root "$ROOT"
  expect_rc 1 "--key key.pub $threshold with a keyless bundle only"
  expect_contains "$out" "0 of 1 required trusted keys signed" "the key that did not sign is named"
  expect_contains "$out" "keyless signatures (identity " "the keyless signer is said not to count"
done
# A keyless run verifies certificates only: --threshold or key-verified inputs are usage errors.
run verify-signature --policy policy.toml --artifact "$CASES/a.txt" --bundle "$happy" --trusted-root "$ROOT" \
  --threshold 1 --certificate-identity https://github.com/acme/api --certificate-oidc-issuer https://issuer
expect_rc 2 "--threshold with --certificate-identity"

# Keyless on the command line: a bundle signed by a policy key does not name that identity.
managed="$CASES/managed-key-happy-path"
[ -f "$managed/key.pub" ] || skip "no conformance case at $managed"
managed_root="$ROOT"
[ -f "$managed/trusted_root.json" ] && managed_root="$managed/trusted_root.json"
cp "$managed/key.pub" release.pub
printf 'version = 1\n[[keys]]\nname = "release"\npath = "release.pub"\n' >keys.toml
run verify-signature --policy keys.toml --artifact "$CASES/a.txt" --bundle "$managed/bundle.sigstore.json" \
  --trusted-root "$managed_root"
expect_rc 0 "key-based run with the policy key"
run verify-signature --policy keys.toml --artifact "$CASES/a.txt" --bundle "$managed/bundle.sigstore.json" \
  --trusted-root "$managed_root" --certificate-identity https://github.com/acme/api \
  --certificate-oidc-issuer https://token.actions.githubusercontent.com
[ "$rc" = 1 ] || [ "$rc" = 2 ] || fail "--certificate-identity with a managed-key bundle: exit $rc, expected a refusal"
expect_not_contains "$out" "is signed by key release" "an identity run accepted a key signature"
expect_contains "$out" "bundle is signed with a key, but the command line asks for a keyless signature" "the reason"
finish
