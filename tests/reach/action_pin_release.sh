#!/usr/bin/env bash
# scripts/pin-release.sh (called by release.sh --bump-action): pins the version, the SHA-256 per
# arch and every cache key of a copy of action.yml; refuses bad input and a reshaped file, leaving
# the file unchanged.
source "$(dirname "$0")/../cli/lib.sh"
src=$RELGATE_SOURCE_DIR
pin="$src/scripts/pin-release.sh"
a=$(printf a | sha256sum | cut -d' ' -f1)
b=$(printf b | sha256sum | cut -d' ' -f1)
cp "$src/action.yml" "$TMP/action.yml"
old=$(sed -n 's/^ *RELGATE_VERSION: "\([^"]*\)".*/\1/p' "$TMP/action.yml")
keys_before=$(grep -c "relgate-\(build-\)\?$old-\${{" "$TMP/action.yml")
[ "$keys_before" -ge 2 ] || fail "action.yml names its version in its cache keys ($keys_before found)"

run "$pin" --version 1.2.3 --sha256 "amd64=$a" --sha256 "arm64=$b" "$TMP/action.yml"
expect_rc 0 "pin both arches"
text=$(cat "$TMP/action.yml")
expect_contains "$text" 'RELGATE_VERSION: "1.2.3"' "version pinned"
expect_contains "$text" "RELGATE_SHA256_AMD64: \"$a\"" "amd64 pinned"
expect_contains "$text" "RELGATE_SHA256_ARM64: \"$b\"" "arm64 pinned"
expect_eq "$(grep -c 'relgate-\(build-\)\?1\.2\.3-\${{' "$TMP/action.yml")" "$keys_before" "every cache key names 1.2.3"
expect_eq "$(grep -c "relgate-\(build-\)\?$old-\${{" "$TMP/action.yml")" 0 "no cache key names $old"
changed=$(diff "$src/action.yml" "$TMP/action.yml" | grep '^[<>]' | grep -cvE '^[<>] +(RELGATE_VERSION|RELGATE_SHA256_AMD64|RELGATE_SHA256_ARM64): "|^[<>] +key: relgate-(build-)?[0-9.]+-\$\{\{ runner.os \}\}-\$\{\{ runner.arch \}\}$')
expect_eq "$changed" 0 "nothing but the pins and the keys changed"

# Only amd64: arm64 pinned as "" (that arch then refuses to install).
run "$pin" --version 1.3.0-rc.1 --sha256 "amd64=$b" "$TMP/action.yml"
expect_rc 0 "pin amd64 only, a pre-release version"
expect_contains "$(cat "$TMP/action.yml")" 'RELGATE_SHA256_ARM64: ""' "arm64 unpinned"
expect_contains "$(cat "$TMP/action.yml")" 'key: relgate-1.3.0-rc.1-${{ runner.os }}' "pre-release key"

# Refusals: exit 2 and the file unchanged.
cp "$TMP/action.yml" "$TMP/before.yml"
refuse() { # refuse DESCRIPTION ARGS...
  local what=$1; shift
  run "$pin" "$@"
  expect_rc 2 "$what"
  cmp -s "$TMP/action.yml" "$TMP/before.yml" || fail "$what: the file changed"
}
refuse "short hex" --version 1.4.0 --sha256 amd64=abc "$TMP/action.yml"
refuse "uppercase hex" --version 1.4.0 --sha256 "amd64=${a^^}" "$TMP/action.yml"
refuse "unknown arch" --version 1.4.0 --sha256 "riscv64=$a" "$TMP/action.yml"
refuse "no checksum" --version 1.4.0 "$TMP/action.yml"
refuse "version not semver" --version 1.4 --sha256 "amd64=$a" "$TMP/action.yml"
refuse "version with shell text" --version '1.4.0;touch x' --sha256 "amd64=$a" "$TMP/action.yml"
refuse "arch twice" --version 1.4.0 --sha256 "amd64=$a" --sha256 "amd64=$b" "$TMP/action.yml"
sed -i '/RELGATE_SHA256_ARM64/d' "$TMP/action.yml"; cp "$TMP/action.yml" "$TMP/before.yml"
refuse "a reshaped action.yml (no arm64 line)" --version 1.4.0 --sha256 "amd64=$a" "$TMP/action.yml"
expect_contains "$err" "expected one RELGATE_VERSION, RELGATE_SHA256_AMD64 and RELGATE_SHA256_ARM64 line each" "names what is missing"
finish
