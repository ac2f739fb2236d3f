#!/usr/bin/env bash
# Pins a relgate release in action.yml (the cosign-installer pattern): the version and one SHA-256
# per release tarball (relgate-<version>-linux-<arch>.tar.gz) are the action's trust root.
#   scripts/pin-release.sh --version V --sha256 amd64=HEX [--sha256 arm64=HEX] FILE
# Rewrites, and fails closed unless every one is found exactly as expected:
#   RELGATE_VERSION: "..."        the install step's env (one line)
#   RELGATE_SHA256_AMD64: "..."   one line per arch; an arch not given is pinned as "" (that arch
#   RELGATE_SHA256_ARM64: "..."   then refuses to install rather than run an unverified tarball)
#   relgate-<old>-${{ ...         every cache key (release and build-from-source), explicit version
# The file is replaced atomically (a temp file in its folder, then rename). Called by
# `scripts/release.sh --bump-action FILE`.
set -euo pipefail

usage() { echo "usage: $0 --version X.Y.Z[-suffix] --sha256 amd64=HEX [--sha256 arm64=HEX] FILE" >&2; exit 2; }
die() { echo "pin-release: $*" >&2; exit 2; }

version=
sha_amd64=
sha_arm64=
file=
while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || usage; version=$2; shift 2 ;;
    --sha256)
      [ $# -ge 2 ] || usage
      arch=${2%%=*}; hex=${2#*=}
      [ "$arch" != "$2" ] || die "--sha256 takes ARCH=HEX, got '$2'"
      [[ $hex =~ ^[0-9a-f]{64}$ ]] || die "--sha256 $arch: '$hex' is not 64 lowercase hex characters"
      case "$arch" in
        amd64) [ -z "$sha_amd64" ] || die "--sha256 amd64 given twice"; sha_amd64=$hex ;;
        arm64) [ -z "$sha_arm64" ] || die "--sha256 arm64 given twice"; sha_arm64=$hex ;;
        *) die "--sha256: unknown arch '$arch' (expected amd64 or arm64)" ;;
      esac
      shift 2 ;;
    --) shift; [ $# -eq 1 ] || usage; file=$1; shift ;;
    -*) die "unknown option '$1'" ;;
    *) [ -z "$file" ] || usage; file=$1; shift ;;
  esac
done
[ -n "$version" ] && [ -n "$file" ] || usage
[ -n "$sha_amd64$sha_arm64" ] || die "give at least one --sha256 ARCH=HEX"
# The version goes into a URL, a folder name and cache keys: semver only.
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] || die "--version '$version' is not X.Y.Z[-suffix]"
[ -f "$file" ] && [ ! -L "$file" ] || die "$file: not a regular file"

old=$(sed -n 's/^ *RELGATE_VERSION: "\([^"]*\)".*$/\1/p' "$file")
[ "$(printf '%s\n' "$old" | grep -c .)" = 1 ] || die "$file: expected exactly one RELGATE_VERSION: \"...\" line"
[[ $old =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] || die "$file: pinned version '$old' is malformed"

tmp=$(mktemp "$(dirname "$file")/.pin-release.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# awk counts what it rewrote, so a reshaped action.yml fails here instead of half-pinning. Literal
# string matching (index), no regex built from data.
OLD=$old NEW=$version AMD=$sha_amd64 ARM=$sha_arm64 awk '
  function replace_all(line, from, to,    out, i) {
    out = ""
    while ((i = index(line, from)) > 0) { out = out substr(line, 1, i - 1) to; line = substr(line, i + length(from)); nk++ }
    return out line
  }
  function pin(line, value) { sub(/"[^"]*"/, "\"" value "\"", line); return line }
  BEGIN { old = ENVIRON["OLD"]; new = ENVIRON["NEW"] }
  /^ *RELGATE_VERSION: "[^"]*"/ { $0 = pin($0, new); nv++ }
  /^ *RELGATE_SHA256_AMD64: "[^"]*"/ { $0 = pin($0, ENVIRON["AMD"]); na++ }
  /^ *RELGATE_SHA256_ARM64: "[^"]*"/ { $0 = pin($0, ENVIRON["ARM"]); nr++ }
  {
    $0 = replace_all($0, "relgate-" old "-${{", "relgate-" new "-${{")
    $0 = replace_all($0, "relgate-build-" old "-${{", "relgate-build-" new "-${{")
    print
  }
  END { printf "%d %d %d %d\n", nv, na, nr, nk > "/dev/stderr" }
' "$file" > "$tmp" 2> "$tmp.counts" || { rm -f "$tmp.counts"; die "awk failed on $file"; }
read -r nv na nr nk < "$tmp.counts"; rm -f "$tmp.counts"
[ "$nv" = 1 ] && [ "$na" = 1 ] && [ "$nr" = 1 ] || die "$file: expected one RELGATE_VERSION, RELGATE_SHA256_AMD64 and RELGATE_SHA256_ARM64 line each (found $nv, $na, $nr)"
[ "$nk" -ge 1 ] || die "$file: no cache key 'relgate-$old-\${{ ...' or 'relgate-build-$old-\${{ ...' found"
if [ "$old" != "$version" ] && grep -Fq -e "relgate-$old-\${{" -e "relgate-build-$old-\${{" "$tmp"; then
  die "$file: a cache key still names $old after the rewrite"
fi
chmod --reference="$file" "$tmp"
mv -f "$tmp" "$file"
trap - EXIT
echo "pin-release: $file pinned to relgate $version (amd64 ${sha_amd64:-none}, arm64 ${sha_arm64:-none}; $nk cache keys)"
