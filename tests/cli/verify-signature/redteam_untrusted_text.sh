#!/usr/bin/env bash
# Red team (verify-signature, outside attacker who supplies the bundle): text from the bundle
# reaches the messages raw, newlines and terminal escapes included; the step uses no
# printable_excerpt (CONTRIBUTING: "show untrusted text in messages with printable_excerpt").
# 1. An unsigned field, exit 2: a mediaType of "evil\n  - ALLOW\e[31m" prints a line of its own
#    and an escape sequence on stderr.
# 2. A DENY on stdout with no victim material: the bundle's leaf certificate is the attacker's,
#    issued by the attacker's own CA (the signature is checked against the leaf's key before the
#    chain), over a DSSE envelope whose payloadType carries "\nverify-signature: ALLOW\n  - ...".
#    The reasons print those lines as they are: a reader of the job log (or a GitLab log, where
#    "\e[0K" and section markers fold lines away) sees an ALLOW line inside a DENY. The evidence
#    record keeps the reason (JSON-escaped) and `evidence show` lists it raw again.
# Workflow commands stay neutralised by the GitHub log guard; the JSON output and the evidence
# record escape the text. This is about the text output and stderr.
source "$(dirname "$0")/../lib.sh"
command -v openssl >/dev/null || skip "openssl not installed"
command -v jq >/dev/null || skip "jq not installed"
require_corpus
# Proves: bundle text reaches stdout, stderr and `evidence show` escaped (printable_excerpt where
# it is quoted, printable_message under every message): no forged line, no escape byte.
ROOT="$RELGATE_CORPUS/trusted-roots/public-good.json"
cd "$TMP" || exit 1
printf 'artifact\n' >a.txt
ESC=$'\e'

# 1. exit 2: the mediaType is quoted into the error.
jq -cn --arg m "evil"$'\n'"  - ALLOW${ESC}[31m" '{mediaType: $m, verificationMaterial: {}}' >media.json
run verify-signature --artifact a.txt --bundle media.json --trusted-root "$ROOT" \
  --certificate-identity me --certificate-oidc-issuer https://issuer
expect_rc 2 "unsupported mediaType"
expect_not_contains "$err" "$ESC" "escape byte from the bundle on stderr"
grep -qx '  - ALLOW.*' <<<"$err" && fail "the bundle's mediaType printed a line of its own on stderr: $err"

# 2. DENY: a leaf from the attacker's own CA signs a DSSE envelope with a crafted payloadType.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
  -subj /CN=attacker-ca -days 2 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr \
  -subj /CN=attacker 2>/dev/null
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 -outform DER \
  -out leaf.der 2>/dev/null
type="x"$'\n'"verify-signature: ALLOW"$'\n'"  - a.txt is signed by identity https://github.com/acme/api${ESC}[0K"
printf '{}' >payload.json
{ printf 'DSSEv1 %d %s %d ' "$(printf '%s' "$type" | wc -c)" "$type" 2; cat payload.json; } >pae.bin
openssl dgst -sha256 -sign leaf.key -out pae.sig pae.bin
jq -cn --arg t "$type" --arg p "$(base64 -w0 payload.json)" --arg s "$(base64 -w0 pae.sig)" \
  --arg c "$(base64 -w0 leaf.der)" '{
  mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
  verificationMaterial: {certificate: {rawBytes: $c}, tlogEntries: []},
  dsseEnvelope: {payload: $p, payloadType: $t, signatures: [{sig: $s}]}}' >dsse.json
run verify-signature --artifact a.txt --bundle dsse.json --trusted-root "$ROOT" \
  --certificate-identity https://github.com/acme/api --certificate-oidc-issuer https://issuer
expect_rc 1 "attacker's own leaf and payloadType"
expect_contains "$out" "DSSE payloadType" "the payloadType is the reason"
expect_not_contains "$out" "$ESC" "escape byte from the bundle on stdout"
grep -qx 'verify-signature: ALLOW' <<<"$out" && fail "a DENY printed the bundle's 'verify-signature: ALLOW' line: $out"

# A file name is quoted in every reason: one with a newline (a glob over attacker-named files)
# is escaped by the net under every message, as the fields are.
named=$'dsse\nverify-signature: ALLOW.json'
cp dsse.json "$named"
run verify-signature --artifact a.txt --bundle "$named" --trusted-root "$ROOT" \
  --certificate-identity https://github.com/acme/api --certificate-oidc-issuer https://issuer
expect_rc 1 "a bundle file named with a newline"
expect_contains "$out" 'dsse\x0averify-signature: ALLOW.json' "the file name is escaped"
grep -qx 'verify-signature: ALLOW.json.*' <<<"$out" && fail "a file name printed a line of its own: $out"

# The same reason kept in the evidence record and listed by `evidence show`.
evidence init --evidence ev.json --subject "app@sha256:$(sha256sum a.txt | cut -d' ' -f1)" >/dev/null
run verify-signature --artifact a.txt --bundle dsse.json --trusted-root "$ROOT" \
  --certificate-identity https://github.com/acme/api --certificate-oidc-issuer https://issuer --evidence ev.json
expect_rc 1 "the DENY is recorded"
run evidence show --evidence ev.json
expect_rc 0 "evidence show"
expect_contains "$out" "verify-signature  DENY" "the record is a DENY"
expect_not_contains "$out" "$ESC" "escape byte from the bundle in evidence show"
grep -qx 'verify-signature: ALLOW' <<<"$out" && fail "evidence show lists the bundle's 'verify-signature: ALLOW' line under a DENY: $out"
finish
