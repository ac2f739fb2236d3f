#!/usr/bin/env bash
# Identity patterns are RE2 (cosign's Go syntax, linear time), anchored: (?i) works, a bad
# pattern is a usage error naming the flag or the policy key (exit 2), and a catastrophic
# pattern on a huge subject finishes at once. The keyless part needs the conformance corpus.
source "$(dirname "$0")/../lib.sh"
cd "$TMP" || exit 1
printf 'artifact\n' >a.txt
printf '{}\n' >bundle.json

run verify-signature --bundle bundle.json --artifact a.txt --certificate-identity-regexp '(a' \
  --certificate-oidc-issuer https://issuer
expect_rc 2 "unbalanced identity regexp"
expect_contains "$err" "--certificate-identity-regexp: invalid regexp '(a'" "identity flag named"
run verify-signature --bundle bundle.json --artifact a.txt --certificate-identity me \
  --certificate-oidc-issuer-regexp '(?=https)x'
expect_rc 2 "lookahead is not Go syntax"
expect_contains "$err" "--certificate-oidc-issuer-regexp: invalid regexp" "issuer flag named"
printf 'version = 1\n[[identities]]\nsubject_regexp = "(a)\\\\1"\nissuer = "https://issuer"\n' >policy.toml
run verify-signature --policy policy.toml --bundle bundle.json --artifact a.txt
expect_rc 2 "backreference in the policy"
expect_contains "$err" "subject_regexp: invalid regexp" "policy key named"

require_corpus
CASES="$RELGATE_CORPUS/sigstore-conformance/bundle-verify"
happy="$CASES/happy-path-v0.1"
[ -d "$happy" ] || skip "no conformance case at $happy"
ROOT="$RELGATE_CORPUS/trusted-roots/public-good.json"
keyless() { run verify-signature --bundle "$happy/bundle.sigstore.json" --trusted-root "$ROOT" --artifact "$CASES/a.txt" "$@"; }

# (?i): rejected by std::regex (ECMAScript), standard in cosign's Go syntax.
keyless --certificate-identity-regexp '(?i)HTTPS://GITHUB\.COM/sigstore-conformance/.+' \
  --certificate-oidc-issuer-regexp '(?i)https://TOKEN\.actions\.githubusercontent\.com'
expect_rc 0 "(?i) identity and issuer"
# Anchored: a prefix alone does not match, nor does one branch of an alternation plus a suffix.
keyless --certificate-identity-regexp 'x|https://github\.com/sigstore-conformance/' \
  --certificate-oidc-issuer https://token.actions.githubusercontent.com
expect_rc 1 "alternation stays anchored"
# Exponential for a backtracking engine; RE2 answers at once, with a 100 KB issuer pattern too
# (argv caps one argument at 128 KiB; the unit test matches a 1 MiB subject).
start=$(date +%s)
keyless --certificate-identity-regexp '(a+)+$' --certificate-oidc-issuer-regexp "(x+x+)+y|$(head -c 100000 /dev/zero | tr '\0' a)"
expect_rc 1 "catastrophic patterns just do not match"
[ $(($(date +%s) - start)) -lt 20 ] || fail "catastrophic patterns took $(($(date +%s) - start)) s"

finish
