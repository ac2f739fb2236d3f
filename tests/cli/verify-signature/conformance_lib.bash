# Shared by the verify-signature scripts that run Sigstore conformance cases (sourced after
# ../lib.sh; not a test itself): the cases, the public-good root and the cases' signer.
require_corpus
CASES="$RELGATE_CORPUS/sigstore-conformance/bundle-verify"
ROOT="$RELGATE_CORPUS/trusted-roots/public-good.json"
IDENTITY="https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
ISSUER="https://token.actions.githubusercontent.com"
# keyless BUNDLE [ROOT]: verifies the cases' a.txt keyless as their signer (run: $rc, $out, $err).
keyless() {
  run verify-signature --artifact "$CASES/a.txt" --bundle "$1" --trusted-root "${2:-$ROOT}" \
    --certificate-identity "$IDENTITY" --certificate-oidc-issuer "$ISSUER"
}
