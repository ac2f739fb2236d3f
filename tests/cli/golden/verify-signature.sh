#!/usr/bin/env bash
# Golden outputs of verify-signature (tests/golden/verify-signature) over committed fixtures (an
# Ed25519 release key, a cosign-style detached signature and a DSSE/SLSA provenance attestation
# made once; nothing is signed at test time): a key signature ALLOW, DENY on a tampered artifact,
# DENY with an untrusted key, a provenance ALLOW and a DENY on the wrong source tag, each through
# text, json, the GitHub log, outputs and step summary, and the GitLab dotenv and JUnit reports.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/golden.bash"
GOLDEN_STEP=verify-signature
cp "$GOLDEN_FIXTURES"/verify-signature/* "$TMP"/ && cd "$TMP" || { fail "fixtures"; finish; }
G=(--now 2026-11-17T08:20:00Z --policy "$RELGATE_SOURCE_DIR/policies/signature.toml")

golden_step key-allow 0 verify-signature "${G[@]}" --artifact artifact.tar --key release.pub --signature artifact.tar.sig
golden_step key-deny-tampered 1 verify-signature "${G[@]}" --artifact tampered.tar --key release.pub --signature artifact.tar.sig
golden_step key-deny-untrusted 1 verify-signature "${G[@]}" --artifact artifact.tar --key other.pub --signature artifact.tar.sig

P=(--artifact artifact.tar --key release.pub --attestation artifact.tar.intoto.json
  --predicate-type https://slsa.dev/provenance/v1 --source-uri github.com/acme/api
  --builder-id https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@)
golden_step provenance-allow 0 verify-signature "${G[@]}" "${P[@]}" --source-tag v1.0.0
golden_step provenance-deny 1 verify-signature "${G[@]}" "${P[@]}" --source-tag v1.1.0

# With --evidence: every run appends to a fresh copy of the same committed (unsigned) evidence
# file; the record the last (GitLab) run appended is shown too.
fresh_evidence() { cp "$GOLDEN_FIXTURES/evidence/api-unsigned.json" evidence.json; }
GOLDEN_BEFORE_RUN=fresh_evidence GOLDEN_APPENDED=1
golden_step key-allow-evidence 0 verify-signature "${G[@]}" --artifact artifact.tar --key release.pub --signature artifact.tar.sig --evidence evidence.json
jq '.records[-1]' evidence.json >"$TMP/record.json"
golden_check key-allow-evidence.record.json "$TMP/record.json"
finish
