#!/usr/bin/env bash
# Walks every case of the Sigstore conformance bundle-verify folder and runs the real binary,
# once with --artifact FILE and once with --digest sha256:HEX (the conformance CLI runs both).
# Cases ending in _fail must exit nonzero; all others must exit 0. Layout: the folder's README.
source "$(dirname "$0")/../lib.sh"
require_corpus
command -v jq >/dev/null || skip "jq not installed (scripts/bootstrap.sh installs it)"
CASES="$RELGATE_CORPUS/sigstore-conformance/bundle-verify"
[ -d "$CASES" ] || skip "no conformance cases at $CASES"
PUBLIC_GOOD="$RELGATE_CORPUS/trusted-roots/public-good.json"
DEFAULT_IDENTITY="https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
DEFAULT_ISSUER="https://token.actions.githubusercontent.com"

passed=0
total=0
printf '%-58s %-8s %-10s %-10s %s\n' CASE EXPECT ARTIFACT DIGEST RESULT
for dir in "$CASES"/*/; do
  name=$(basename "$dir")
  [ -f "$dir/bundle.sigstore.json" ] || { fail "$name: no bundle.sigstore.json"; continue; }
  artifact="$CASES/a.txt"
  [ -f "$dir/artifact" ] && artifact="$dir/artifact"
  root="$PUBLIC_GOOD"
  [ -f "$dir/trusted_root.json" ] && root="$dir/trusted_root.json"
  args=(--bundle "$dir/bundle.sigstore.json" --trusted-root "$root")
  if [ -f "$dir/key.pub" ]; then
    args+=(--key "$dir/key.pub")
  else
    identity=$DEFAULT_IDENTITY issuer=$DEFAULT_ISSUER
    [ -f "$dir/identity" ] && identity=$(cat "$dir/identity")
    [ -f "$dir/issuer" ] && issuer=$(cat "$dir/issuer")
    args+=(--certificate-identity "$identity" --certificate-oidc-issuer "$issuer")
  fi
  digest="sha256:$(sha256sum "$artifact" | cut -d' ' -f1)"
  expect=pass
  case "$name" in *_fail) expect=fail ;; esac

  verify-signature "${args[@]}" --artifact "$artifact" >"$TMP/out" 2>&1; rc_file=$?
  verify-signature "${args[@]}" --digest "$digest" >"$TMP/out-digest" 2>&1; rc_digest=$?
  ok=yes
  for rc in $rc_file $rc_digest; do
    if [ $expect = pass ] && [ "$rc" != 0 ]; then ok=no; fi
    if [ $expect = fail ] && { [ "$rc" = 0 ] || [ "$rc" -gt 2 ]; }; then ok=no; fi
  done
  # A refusal must say why: a DENY reason line or an error message.
  if [ $expect = fail ] && ! grep -qE '^  - .{20,}|error: .{20,}' "$TMP/out"; then ok=no; fi
  total=$((total + 1))
  if [ $ok = yes ]; then
    passed=$((passed + 1))
    result=ok
  else
    result=WRONG
    fail "$name: expected $expect, exit $rc_file (artifact) / $rc_digest (digest)"
    sed 's/^/    /' "$TMP/out" "$TMP/out-digest"
  fi
  printf '%-58s %-8s %-10s %-10s %s\n' "$name" "$expect" "exit $rc_file" "exit $rc_digest" "$result"
done
echo "conformance: $passed/$total cases give the expected result"
[ "$total" -gt 0 ] || fail "no cases found in $CASES"

# The evidence summary names the log entry and the verified digest.
happy="$CASES/happy-path-v0.1"
if [ -d "$happy" ]; then
  run verify-signature --bundle "$happy/bundle.sigstore.json" --trusted-root "$PUBLIC_GOOD" --artifact "$CASES/a.txt" \
      --certificate-identity "$DEFAULT_IDENTITY" --certificate-oidc-issuer "$DEFAULT_ISSUER" --format json
  expect_rc 0 "happy-path-v0.1 json"
  expect_eq "$(jq -c .summary.log_indexes <<<"$out")" "[27246492]" "log index in the summary"
  expect_eq "$(jq -r .summary.digest <<<"$out")" "sha256:$(sha256sum "$CASES/a.txt" | cut -d' ' -f1)" "digest in the summary"
  expect_eq "$(jq -r '.summary.checks | join(",")' <<<"$out")" \
      "signature,log-body,signed-entry-timestamp,inclusion-proof,checkpoint,certificate-chain,sct,identity" "checks run"
  run verify-signature --bundle "$happy/bundle.sigstore.json" --trusted-root "$PUBLIC_GOOD" --artifact "$CASES/a.txt" \
      --certificate-identity-regexp 'https://github.com/sigstore-conformance/' --certificate-oidc-issuer "$DEFAULT_ISSUER"
  expect_rc 1 "unanchored-looking regexp is anchored"
  expect_contains "$out" "does not match identity matching ^(?:https://github.com/sigstore-conformance/)\$" "identity reason"
fi

# cosign's legacy --bundle format, converted at test time from the v0.1 case (CVE-2022-36056: a
# log entry swapped in from another signing must be refused).
legacy_bundle() { # legacy_bundle SIG_CERT_BUNDLE REKOR_ENTRY_BUNDLE > out
  local pem log_id
  pem=$(printf -- '-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n' \
        "$(jq -r '.verificationMaterial | (.x509CertificateChain.certificates[0].rawBytes // .certificate.rawBytes)' "$1" | fold -w64)")
  log_id=$(jq -r '.verificationMaterial.tlogEntries[0].logId.keyId' "$2" | base64 -d | od -An -tx1 | tr -d ' \n')
  jq -n --slurpfile a "$1" --slurpfile b "$2" --arg cert "$(printf '%s' "$pem" | base64 -w0)" --arg id "$log_id" '
    ($b[0].verificationMaterial.tlogEntries[0]) as $t |
    {base64Signature: $a[0].messageSignature.signature, cert: $cert,
     rekorBundle: {SignedEntryTimestamp: $t.inclusionPromise.signedEntryTimestamp,
                   Payload: {body: $t.canonicalizedBody, integratedTime: ($t.integratedTime | tonumber),
                             logIndex: ($t.logIndex | tonumber), logID: $id}}}'
}
if [ -d "$happy" ] && [ -d "$CASES/happy-path-v0.3" ]; then
  legacy_bundle "$happy/bundle.sigstore.json" "$happy/bundle.sigstore.json" > "$TMP/legacy.json"
  run verify-signature --bundle "$TMP/legacy.json" --trusted-root "$PUBLIC_GOOD" --artifact "$CASES/a.txt" \
      --certificate-identity "$DEFAULT_IDENTITY" --certificate-oidc-issuer "$DEFAULT_ISSUER"
  expect_rc 0 "cosign legacy bundle"
  legacy_bundle "$happy/bundle.sigstore.json" "$CASES/happy-path-v0.3/bundle.sigstore.json" > "$TMP/swapped.json"
  run verify-signature --bundle "$TMP/swapped.json" --trusted-root "$PUBLIC_GOOD" --artifact "$CASES/a.txt" \
      --certificate-identity "$DEFAULT_IDENTITY" --certificate-oidc-issuer "$DEFAULT_ISSUER"
  expect_rc 1 "legacy bundle with a swapped log entry"
  expect_contains "$out" "differs from the bundle signature" "swapped entry reason"
fi

# The SLSA v1 provenance of the slsa-verifier corpus (v0.3 bundle, dsse entry, public-good root).
SLSA="$RELGATE_CORPUS/slsa-verifier"
if [ -d "$SLSA" ]; then
  slsa_args=(--bundle "$SLSA/MODULE.bazel.intoto.jsonl" --trusted-root "$PUBLIC_GOOD"
             --certificate-identity-regexp 'https://github.com/bazel-contrib/publish-to-bcr/\.github/workflows/publish\.yaml@refs/tags/.+'
             --certificate-oidc-issuer "$DEFAULT_ISSUER" --predicate-type https://slsa.dev/provenance/v1
             --source-uri github.com/aspect-build/rules_lint)
  run verify-signature "${slsa_args[@]}" --artifact "$SLSA/MODULE.bazel" \
      --builder-id 'https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/v0.0.1'
  expect_rc 0 "slsa-verifier MODULE.bazel provenance"
  run verify-signature "${slsa_args[@]}" --artifact "$SLSA/MODULE.bazel" --builder-id https://github.com/acme/evil-builder@
  expect_rc 1 "untrusted builder id"
  expect_contains "$out" "is not trusted" "builder reason"
  run verify-signature "${slsa_args[@]}" --digest sha256:0000000000000000000000000000000000000000000000000000000000000000
  expect_rc 1 "artifact not a subject"
  expect_contains "$out" "is not a subject of the attestation" "subject reason"
  run verify-signature "${slsa_args[@]}" --artifact "$SLSA/MODULE.bazel" --source-branch main
  expect_rc 1 "wrong source ref"
  expect_contains "$out" "source ref 'refs/heads/publish-to-bcr' differs" "ref reason"
fi
finish
