#!/usr/bin/env bash
# Red team (verify-signature, outside attacker who supplies the bundle): a bundle with a member
# named twice is read with the first value and ALLOWed; sigstore-go (protojson) refuses it
# ("duplicate field"), and jq, Go's encoding/json and Python read the last value. So the bundle
# recorded in the evidence can show any other tool a signature, certificate or log entry that
# relgate never verified: happy-path-v0.3 with a second "verificationMaterial" naming a
# certificate of the attacker's choice (here: none at all), or a second "messageSignature",
# verifies as the original. (Unknown members are ignored, where protojson refuses them too: not
# asserted here, a forward-compatibility choice rather than a second reading.)
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/conformance_lib.bash"
command -v jq >/dev/null || skip "jq not installed (scripts/bootstrap.sh installs it)"
# Proves: a bundle with "messageSignature" or "verificationMaterial" named twice is refused (exit 2,
# naming the file and the member); unit.verify-signature covers envelopes, payloads, log bodies, roots.
# A cosign legacy bundle naming one member in two spellings Go reads as one field is exit 2 too.
happy="$CASES/happy-path-v0.3/bundle.sigstore.json"
[ -f "$happy" ] || skip "no conformance case at $happy"
cd "$TMP" || exit 1
keyless "$happy"
expect_rc 0 "happy-path-v0.3 as published"

# append MEMBER_JSON: the bundle with one more member after the last one
append() { jq -c . "$happy" | sed 's/}$//' | tr -d '\n'; printf ',%s}\n' "$1"; }
append '"messageSignature":{"messageDigest":{"algorithm":"SHA2_256","digest":"AAAA"},"signature":"AAAA"}' >dup-sig.json
append '"verificationMaterial":{"publicKey":{"hint":"attacker"}}' >dup-material.json
# What every other reader sees: the last value.
expect_eq "$(jq -r .messageSignature.signature dup-sig.json)" "AAAA" "jq reads the appended signature"
expect_eq "$(jq -r .verificationMaterial.publicKey.hint dup-material.json)" "attacker" "jq reads the appended material"
for bundle in dup-sig.json dup-material.json; do
  keyless "$bundle"
  expect_rc 2 "$bundle: a member named twice"
  expect_contains "$err" "$bundle: (root): member" "$bundle: the error names the file and the path"
  expect_contains "$err" "appears twice" "$bundle: the error says what is wrong"
done

# cosign legacy bundles are read by cosign with Go's encoding/json: member names match ignoring
# case (and "ſ" U+017F as "s"), the last match wins. relgate read the exact name, first value.
command -v openssl >/dev/null || skip "openssl not installed"
openssl ecparam -name prime256v1 -genkey -noout -out key.pem 2>/dev/null
openssl ec -in key.pem -pubout -out key.pub 2>/dev/null
printf 'release artifact\n' >artifact
good=$(openssl dgst -sha256 -sign key.pem artifact | base64 -w0)
other=$(printf 'x' | openssl dgst -sha256 -sign key.pem | base64 -w0)
printf '{"base64Signature":"%s","cert":"","rekorBundle":null}\n' "$good" >legacy.bundle
run verify-signature --artifact artifact --key key.pub --bundle legacy.bundle
expect_rc 0 "a legacy bundle with one signature"
printf '{"Base64Signature":"%s"}\n' "$good" >legacy-upper.bundle
run verify-signature --artifact artifact --key key.pub --bundle legacy-upper.bundle
expect_rc 0 "a legacy bundle spelling base64Signature as Go accepts it"
printf '{"base64Signature":"%s","cert":"","rekorBundle":null,"Base64Signature":"%s","Cert":"-----BEGIN CERTIFICATE-----attacker"}\n' \
  "$good" "$other" >legacy-case.bundle
run verify-signature --artifact artifact --key key.pub --bundle legacy-case.bundle
expect_rc 2 "a legacy bundle with base64Signature in two spellings"
expect_contains "$err" 'legacy-case.bundle: (root): members "base64Signature" and "Base64Signature" are one field' \
  "the file and both spellings are named"
printf '{"base64Signature":"%s","ba\xc5\xbfe64Signature":"%s"}\n' "$good" "$other" >legacy-long-s.bundle
run verify-signature --artifact artifact --key key.pub --bundle legacy-long-s.bundle
expect_rc 2 "a legacy bundle with base64Signature spelled with U+017F"
expect_contains "$err" "are one field to Go's encoding/json" "the long-s spelling is one field"
finish
