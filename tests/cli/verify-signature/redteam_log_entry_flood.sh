#!/usr/bin/env bash
# Red team (verify-signature, outside attacker who supplies the bundle): a bundle may carry any
# number of transparency-log entries and RFC 3161 timestamps, and each is verified in full, the
# same one again and again. The conformance bundle happy-path-v0.3 with its one tlog entry copied
# 1,000 times (6.8 MB) still ALLOWs, after 1.6 s; rekor2-happy-path with its one timestamp copied
# 1,000 times (1.7 MB) ALLOWs after 4.7 s, and 38,000 copies (62 MiB, under the 64 MiB input cap)
# cost minutes of CPU (each verified time re-verifies the certificate chain and the TSA chain).
# sigstore-go refuses both: more than 32 tlog entries ("too many tlog entries", limits.
# MaxAllowedTlogEntries) or 32 signed timestamps, and duplicate entries. The same flood of real
# TSA stamps over other data (anyone can get them from a public TSA) next to an attacker's own
# leaf certificate is verified in full too before the DENY: the signature is checked against the
# leaf's key before the chain, so no victim material is needed to burn the CPU (measured: a leaf
# from a CA made with openssl and 1,000 copies of rekor2-happy-path's stamp, 1.6 MB: DENY after
# 2.4 s of CPU, the TSA chain and signature verified 1,000 times before the imprint differs).
# The same holds for a DSSE envelope given with --attestation: every signature is verified with
# every trusted key, however many there are. 100,000 copies of one real ECDSA signature over other
# data (11.8 MB) cost 8.9 s of CPU per trusted key before the DENY (a 64 MiB envelope: ~50 s per
# key); a valid signature placed last ALLOWs after all of them.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/conformance_lib.bash"
command -v jq >/dev/null || skip "jq not installed (scripts/bootstrap.sh installs it)"
# Proves: more than 32 tlog entries, RFC 3161 timestamps, envelope signatures or checkpoint signature
# lines, or one entry or stamp twice, is refused at once (exit 2, naming the count and the limit).
v03="$CASES/happy-path-v0.3"
rekor2="$CASES/rekor2-happy-path"
[ -d "$v03" ] && [ -d "$rekor2" ] || skip "conformance cases missing under $CASES"
cd "$TMP" || exit 1

copies() { # copies N JQ_PATH BUNDLE: the array at JQ_PATH replaced by N copies of its first item
  jq -c --argjson n "$1" "$2 = [range(\$n) as \$i | $2[0]]" "$3"
}

# The unmodified cases pass: what follows changes only the count.
keyless "$v03/bundle.sigstore.json" "$ROOT"
expect_rc 0 "happy-path-v0.3 as published"
keyless "$rekor2/bundle.sigstore.json" "$rekor2/trusted_root.json"
expect_rc 0 "rekor2-happy-path as published"

copies 33 .verificationMaterial.tlogEntries "$v03/bundle.sigstore.json" >tlog33.json
keyless tlog33.json "$ROOT"
[ "$rc" = 1 ] || [ "$rc" = 2 ] || fail "33 copies of one tlog entry: exit $rc, expected a refusal (sigstore-go: too many tlog entries: 33 > 32)"
expect_contains "$err" "tlogEntries: 33 log entries, more than the 32" "33 tlog entries: the count and the limit"
copies 2 .verificationMaterial.tlogEntries "$v03/bundle.sigstore.json" >tlog2.json
keyless tlog2.json "$ROOT"
expect_rc 2 "one tlog entry twice"
expect_contains "$err" "tlogEntries[1]: the same log entry as tlogEntries[0]" "the copied entry is named"

copies 33 .verificationMaterial.timestampVerificationData.rfc3161Timestamps "$rekor2/bundle.sigstore.json" >ts33.json
keyless ts33.json "$rekor2/trusted_root.json"
[ "$rc" = 1 ] || [ "$rc" = 2 ] || fail "33 copies of one RFC 3161 timestamp: exit $rc, expected a refusal (sigstore-go: 32 at most)"
expect_contains "$err" "rfc3161Timestamps: 33 RFC 3161 timestamps, more than the 32" "33 stamps: the count and the limit"
copies 2 .verificationMaterial.timestampVerificationData.rfc3161Timestamps "$rekor2/bundle.sigstore.json" >ts2.json
keyless ts2.json "$rekor2/trusted_root.json"
expect_rc 2 "one RFC 3161 timestamp twice"
expect_contains "$err" "rfc3161Timestamps[1]: the same timestamp as rfc3161Timestamps[0]" "the copied stamp is named"

# A v0.1 certificate chain: each certificate is decoded (23,000 copies of the leaf: 7.3 s, ALLOW).
copies 33 .verificationMaterial.x509CertificateChain.certificates "$CASES/happy-path-v0.1/bundle.sigstore.json" >chain33.json
keyless chain33.json "$ROOT"
expect_rc 2 "33 certificates in a v0.1 chain"
expect_contains "$err" "certificates: 33 certificates, more than the 32" "33 certificates: the count and the limit"

# Cost: 1,000 stamps must be refused at once, not verified one by one (today 4.7 s).
copies 1000 .verificationMaterial.timestampVerificationData.rfc3161Timestamps "$rekor2/bundle.sigstore.json" >ts1000.json
start=$(date +%s%N)
keyless ts1000.json "$rekor2/trusted_root.json"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
[ "$rc" = 1 ] || [ "$rc" = 2 ] || fail "1,000 copies of one RFC 3161 timestamp: exit $rc, expected a refusal"
[ "$elapsed_ms" -lt 1000 ] || fail "1,000 timestamps took $elapsed_ms ms (each one verified in full)"

# A checkpoint note with its log signature line copied: each line with the log's key hint was
# verified (20,000 copies, 2.7 MB: 3.5 s, ALLOW). 32 lines are read; 33 are refused at once.
sig_lines() { # sig_lines N: rekor2-happy-path with its checkpoint's signature line written N times
  jq -c --argjson n "$1" '.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope |=
    (split("\n\n") as $p | ($p[1] | split("\n") | map(select(. != ""))[0]) as $l
     | $p[0] + "\n\n" + ([range($n) | $l] | join("\n")) + "\n")' "$rekor2/bundle.sigstore.json"
}
sig_lines 32 >ck32.json
keyless ck32.json "$rekor2/trusted_root.json"
expect_rc 0 "32 checkpoint signature lines (the limit) from the log"
sig_lines 33 >ck33.json
keyless ck33.json "$rekor2/trusted_root.json"
expect_rc 2 "33 checkpoint signature lines"
expect_contains "$err" "checkpoint.envelope: 33 signature lines, more than the 32" "33 lines: the count and the limit"
sig_lines 20000 >ck20000.json
start=$(date +%s%N)
keyless ck20000.json "$rekor2/trusted_root.json"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
expect_rc 2 "20,000 checkpoint signature lines"
[ "$elapsed_ms" -lt 500 ] || fail "20,000 checkpoint signature lines took $elapsed_ms ms (each one verified)"

# An attestation envelope with 20,000 signatures: refused at once, not verified one by one.
command -v openssl >/dev/null || skip "openssl not installed"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem 2>/dev/null
openssl pkey -in key.pem -pubout -out key.pub
printf 'other data\n' >other.txt
openssl dgst -sha256 -sign key.pem -out other.sig other.txt
jq -cn --arg s "$(base64 -w0 other.sig)" --arg p "$(printf '{}' | base64 -w0)" \
  '{payload: $p, payloadType: "application/vnd.in-toto+json", signatures: [range(20000) | {keyid: "", sig: $s}]}' \
  >many-signatures.json
start=$(date +%s%N)
run verify-signature --artifact "$CASES/a.txt" --key key.pub --attestation many-signatures.json
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
[ "$rc" = 1 ] || [ "$rc" = 2 ] || fail "20,000 envelope signatures: exit $rc, expected a refusal"
expect_contains "$err" "many-signatures.json: signatures: 20000 signatures, more than the 32" "the count and the limit"
[ "$elapsed_ms" -lt 500 ] || fail "20,000 envelope signatures took $elapsed_ms ms (each one verified with each key)"
finish
