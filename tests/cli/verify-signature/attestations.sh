#!/usr/bin/env bash
# DSSE / in-toto / SLSA with keys, cosign legacy bundles and v0.3 bundles with a managed key,
# all generated here with openssl: PAE signing, URL-safe base64, subjects, provenance policy.
source "$(dirname "$0")/../lib.sh"
command -v openssl >/dev/null || skip "openssl not installed"
command -v jq >/dev/null || skip "jq not installed"
cd "$TMP" || exit 1

printf 'module artifact\n' > artifact
digest=$(sha256sum artifact | cut -d' ' -f1)
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem 2>/dev/null
openssl pkey -in key.pem -pubout -out key.pub
openssl genpkey -algorithm ED25519 -out ed.pem 2>/dev/null
openssl pkey -in ed.pem -pubout -out ed.pub

statement() { # statement SUBJECT_DIGEST BUILDER REF
  jq -cn --arg d "$1" --arg b "$2" --arg r "$3" '{
    _type: "https://in-toto.io/Statement/v1",
    subject: [{name: "artifact", digest: {sha256: $d}}],
    predicateType: "https://slsa.dev/provenance/v1",
    predicate: {buildDefinition: {buildType: "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
                  externalParameters: {workflow: {repository: "https://github.com/acme/api", ref: $r}}},
                runDetails: {builder: {id: $b}}}}'
}
# envelope PAYLOAD_FILE KEY_PEM [urlsafe]: DSSE envelope over PAE(payloadType, payload)
envelope() {
  local type="application/vnd.in-toto+json" size
  size=$(stat -c %s "$1")
  { printf 'DSSEv1 %d %s %d ' "${#type}" "$type" "$size"; cat "$1"; } > pae.bin
  if grep -q ED25519 <(openssl pkey -in "$2" -text -noout 2>/dev/null | head -1); then
    openssl pkeyutl -sign -inkey "$2" -rawin -in pae.bin -out pae.sig
  else
    openssl dgst -sha256 -sign "$2" -out pae.sig pae.bin
  fi
  local payload sig
  payload=$(base64 -w0 "$1") sig=$(base64 -w0 pae.sig)
  if [ "${3:-}" = urlsafe ]; then payload=$(tr '+/' '-_' <<<"$payload" | tr -d '='); sig=$(tr '+/' '-_' <<<"$sig" | tr -d '='); fi
  jq -cn --arg p "$payload" --arg s "$sig" --arg t "$type" '{payload: $p, payloadType: $t, signatures: [{keyid: "", sig: $s}]}'
}
BUILDER=https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0
statement "$digest" "$BUILDER" refs/tags/v1.0.0 > stmt.json
envelope stmt.json key.pem > att.json
envelope stmt.json key.pem urlsafe > att-urlsafe.json
envelope stmt.json ed.pem > att-ed.json
printf '%s\n' "$(cat att.json)" > att.intoto.jsonl

prov=(--predicate-type https://slsa.dev/provenance/v1 --source-uri github.com/acme/api --source-tag v1.0.0
      --builder-id https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@)
run verify-signature --artifact artifact --key key.pub --attestation att.json "${prov[@]}" --format json
expect_rc 0 "DSSE attestation with SLSA provenance"
expect_contains "$(jq -c .summary.predicate_types <<<"$out")" "https://slsa.dev/provenance/v1" "predicate type recorded"
run verify-signature --artifact artifact --key key.pub --attestation att-urlsafe.json "${prov[@]}"
expect_rc 0 "URL-safe base64 envelope"
run verify-signature --artifact artifact --key ed.pub --attestation att-ed.json "${prov[@]}"
expect_rc 0 "Ed25519 envelope"
run verify-signature --artifact artifact --key key.pub --attestation att.intoto.jsonl "${prov[@]}"
expect_rc 0 "JSON lines envelope"
run verify-signature --digest "sha256:$digest" --key key.pub --attestation att.json
expect_rc 0 "bare digest with an attestation"
run verify-signature --artifact artifact --key ed.pub --attestation att.json
expect_rc 1 "wrong key for the envelope"
expect_contains "$out" "no envelope signature verifies with a trusted key" "wrong key reason"
jq -c '.payloadType = "text/plain"' att.json > att-type.json
run verify-signature --artifact artifact --key key.pub --attestation att-type.json
expect_rc 1 "payloadType changed after signing"
jq -c --arg p "$(statement 0000000000000000000000000000000000000000000000000000000000000000 "$BUILDER" refs/tags/v1.0.0 | base64 -w0)" '.payload = $p' att.json > att-swapped.json
run verify-signature --artifact artifact --key key.pub --attestation att-swapped.json
expect_rc 1 "payload swapped after signing"
statement 1111111111111111111111111111111111111111111111111111111111111111 "$BUILDER" refs/tags/v1.0.0 > other.json
envelope other.json key.pem > att-other.json
run verify-signature --artifact artifact --key key.pub --attestation att-other.json
expect_rc 1 "artifact not a subject"
expect_contains "$out" "is not a subject of the attestation" "subject reason"
run verify-signature --artifact artifact --key key.pub --attestation att.json --builder-id https://github.com/evil/builder@
expect_rc 1 "untrusted builder"
expect_contains "$out" "builder.id '$BUILDER' is not trusted" "builder reason"
run verify-signature --artifact artifact --key key.pub --attestation att.json --source-uri github.com/acme/web
expect_rc 1 "wrong source repository"
expect_contains "$out" "source repository 'github.com/acme/api' differs from the expected 'github.com/acme/web'" "source reason"
run verify-signature --artifact artifact --key key.pub --attestation att.json --predicate-type https://spdx.dev/Document
expect_rc 1 "wrong predicate type"
run verify-signature --artifact artifact --key key.pub --signature /dev/null --predicate-type https://slsa.dev/provenance/v1
expect_rc 2 "empty signature still an error"
run verify-signature --artifact artifact --key key.pub --attestation att.json --certificate-identity me@example.com --certificate-oidc-issuer https://issuer
expect_rc 2 "--key with keyless identity flags"
expect_contains "$err" "mutually exclusive" "exclusive flags reason"
printf 'not json' > broken.json
run verify-signature --artifact artifact --key key.pub --attestation broken.json
expect_rc 2 "malformed envelope"
expect_contains "$err" "broken.json" "malformed envelope names the file"

# Sigstore v0.3 bundle with a managed key and no log entry; and cosign's legacy bundle.
openssl dgst -sha256 -sign key.pem -out art.sig artifact
sig_b64=$(base64 -w0 art.sig)
hint=$(openssl pkey -pubin -in key.pub -outform DER | openssl dgst -sha256 -binary | base64 -w0)
jq -n --arg s "$sig_b64" --arg h "$hint" --arg d "$(openssl dgst -sha256 -binary artifact | base64 -w0)" '{
  mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
  verificationMaterial: {publicKey: {hint: $h}, tlogEntries: []},
  messageSignature: {messageDigest: {algorithm: "SHA2_256", digest: $d}, signature: $s}}' > key.sigstore.json
run verify-signature --artifact artifact --key key.pub --bundle key.sigstore.json --format json
expect_rc 0 "managed-key bundle without --trusted-root"
expect_contains "$(jq -r '.summary.notes[0]' <<<"$out")" "transparency log and timestamps not checked" "offline note"
jq -n '{mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1", tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: []}' > empty-root.json
run verify-signature --artifact artifact --key key.pub --bundle key.sigstore.json --trusted-root empty-root.json
expect_rc 1 "a trusted root makes the log entry mandatory"
expect_contains "$out" "no transparency log entry" "tlog reason"
run verify-signature --artifact artifact --key ed.pub --bundle key.sigstore.json
expect_rc 1 "managed-key bundle, wrong key"
run verify-signature --artifact artifact --bundle key.sigstore.json
expect_rc 1 "managed-key bundle, no key"
expect_contains "$out" "no key was given" "no key reason"
jq -n --arg s "$sig_b64" '{base64Signature: $s, cert: "", rekorBundle: null}' > legacy.bundle
run verify-signature --artifact artifact --key key.pub --bundle legacy.bundle
expect_rc 0 "cosign legacy bundle with a key"
printf 'tampered' >> artifact
run verify-signature --artifact artifact --key key.pub --bundle legacy.bundle
expect_rc 1 "cosign legacy bundle, tampered artifact"
finish
