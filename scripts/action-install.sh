#!/usr/bin/env bash
# Installs the relgate release pinned in action.yml for the GitHub Action (the cosign-installer
# pattern): the tarball's SHA-256 is embedded in the action, checked BEFORE anything is unpacked,
# and re-checked on every run, also when the tarball comes from the actions/cache entry, so a
# poisoned or corrupted cache never runs. Everything comes from env (action.yml sets it):
#   RELGATE_VERSION, RELGATE_SHA256_AMD64, RELGATE_SHA256_ARM64   pinned by scripts/pin-release.sh
#   RELGATE_RELEASE_BASE_URL   input release-base-url; default
#                              https://github.com/relgate/relgate/releases/download/v<version>
#   RELGATE_DOWNLOAD_DIR       where verified tarballs are kept (the actions/cache path)
#   RELGATE_INSTALL_DIR        where the tree is unpacked (version-keyed folder below it)
#   RELGATE_BUILD_FROM_SOURCE  true: build from the action's own checkout instead (fallback)
#   RELGATE_SOURCE_BUILD_DIR   build folder for that (the build cache path)
#   RUNNER_OS, RUNNER_ARCH, GITHUB_OUTPUT, GITHUB_PATH   set by the runner
# Writes the outputs bin-dir, version, source (download|cache|build) and appends bin-dir to
# GITHUB_PATH. Exit 2 on any failure (usage, download, checksum), with an ::error:: annotation.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

escape_data() {
  local text=${1//'%'/'%25'}
  text=${text//$'\r'/'%0D'}
  printf '%s' "${text//$'\n'/'%0A'}"
}
die() {
  echo "::error title=relgate install::$(escape_data "$1")" >&2
  exit 2
}
# Values go to GITHUB_OUTPUT / GITHUB_PATH only if they are one line (they are paths we made).
put_output() {
  case "$2" in *$'\n'* | *$'\r'*) die "output $1 holds a line break" ;; esac
  if [ -n "${GITHUB_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"; fi
}
on_path() {
  case "$1" in *$'\n'* | *$'\r'*) die "bin folder holds a line break" ;; esac
  if [ -n "${GITHUB_PATH:-}" ]; then printf '%s\n' "$1" >> "$GITHUB_PATH"; fi
}

version=${RELGATE_VERSION:-}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] || die "action.yml pins no valid RELGATE_VERSION ('$version')"
[ "${RUNNER_OS:-Linux}" = Linux ] || die "relgate releases are built for Linux runners only (RUNNER_OS=${RUNNER_OS})"
case "${RUNNER_ARCH:-X64}" in
  X64) arch=amd64 pinned=${RELGATE_SHA256_AMD64:-} ;;
  ARM64) arch=arm64 pinned=${RELGATE_SHA256_ARM64:-} ;;
  *) die "no relgate release for runner arch '${RUNNER_ARCH}' (X64 and ARM64 only)" ;;
esac

case "${RELGATE_BUILD_FROM_SOURCE:-false}" in
  false) ;;
  true)
    # Fallback: build from the action's own checkout. Build dependencies only (no test tools), the
    # six step executables only; the build folder is cached by version (action.yml).
    build_dir=${RELGATE_SOURCE_BUILD_DIR:?RELGATE_SOURCE_BUILD_DIR unset}
    # A restored build folder configured for another checkout path is stale: CMake refuses it.
    if [ -f "$build_dir/CMakeCache.txt" ] &&
      ! grep -qxF "CMAKE_HOME_DIRECTORY:INTERNAL=$here" "$build_dir/CMakeCache.txt"; then
      echo "relgate: the cached build folder was configured for another source folder; starting afresh" >&2
      rm -rf -- "$build_dir"
    fi
    "$here/scripts/bootstrap.sh" --profile build --build-dir "$build_dir" \
      --targets "verify-signature scan-gate slo-check promote rollback evidence" >&2 ||
      die "build from source failed (scripts/bootstrap.sh --profile build)"
    for step in verify-signature scan-gate slo-check promote rollback evidence; do
      [ -x "$build_dir/bin/$step" ] || die "build from source did not produce bin/$step"
    done
    put_output bin-dir "$build_dir/bin"
    put_output version "$version"
    put_output source build
    on_path "$build_dir/bin"
    exit 0 ;;
  *) die "build-from-source: '${RELGATE_BUILD_FROM_SOURCE}' is not true or false" ;;
esac

[[ $pinned =~ ^[0-9a-f]{64}$ ]] || die "this action version pins no SHA-256 for linux-$arch (use build-from-source: true)"
name="relgate-$version-linux-$arch.tar.gz"
base=${RELGATE_RELEASE_BASE_URL:-}
[ -n "$base" ] || base="https://github.com/relgate/relgate/releases/download/v$version"
case "$base" in *$'\n'* | *$'\r'* | *' '*) die "release-base-url holds a blank or a line break" ;; esac
# HTTPS only; plain HTTP only to loopback (the tests' local server), never to another host.
proto=(--proto =https --proto-redir =https)
case "$base" in
  https://*) ;;
  http://127.0.0.1:* | http://127.0.0.1/*) proto=(--proto =http --proto-redir =http) ;;
  *) die "release-base-url must be https:// (or http://127.0.0.1 for a local test server), got '$base'" ;;
esac
url="${base%/}/$name"

download_dir=${RELGATE_DOWNLOAD_DIR:?RELGATE_DOWNLOAD_DIR unset}/$version
install_root=${RELGATE_INSTALL_DIR:?RELGATE_INSTALL_DIR unset}
mkdir -p -- "$download_dir" "$install_root"
tarball="$download_dir/$name"

sha_of() { sha256sum -- "$1" | cut -d' ' -f1; }
# A release tarball is a few MB; a mirror that sends more (or never stops) is refused at this size
# instead of filling the runner's disk before the checksum can say no.
max_bytes=$((128 * 1024 * 1024))

# Everything from here reads ONE private copy (a fresh 0700 folder): the copy is hashed, listed and
# unpacked, so nothing that can write the shared download/cache folder (another job of a
# self-hosted runner, a cache restore) can swap the file between the check and the unpack.
private=$(mktemp -d "$install_root/.relgate-verify.XXXXXX") || die "cannot create a private folder in $install_root"
trap 'rm -rf -- "$private"' EXIT
copy="$private/$name"

source=cache
if [ -f "$tarball" ] && [ ! -L "$tarball" ]; then
  # Cache hit (actions/cache restored it, or a self-hosted runner kept it): verified again, it
  # costs one hash of a few MB; a mismatch is a tampered cache and is never used.
  head -c $((max_bytes + 1)) -- "$tarball" > "$copy" || die "cannot copy the cached $name"
  [ "$(stat -c %s -- "$copy")" -le "$max_bytes" ] || { rm -f -- "$tarball"; die "cached $name is larger than $max_bytes bytes: refusing the tampered cache entry (nothing unpacked)"; }
  actual=$(sha_of "$copy")
  if [ "$actual" != "$pinned" ]; then
    rm -f -- "$tarball"
    die "cached $name has SHA-256 $actual, action.yml pins $pinned: refusing the tampered cache entry (nothing unpacked)"
  fi
else
  source=download
  rm -f -- "$tarball"
  echo "relgate: downloading $url" >&2
  # --max-filesize stops a download that announces its size; `ulimit -f` stops one that does not
  # (curl dies of SIGXFSZ, or fails to write, at the cap); either way the size check below says why.
  curl_status=0
  (
    ulimit -f $((max_bytes / 1024 + 1))
    exec curl --fail --silent --show-error --location "${proto[@]}" --retry 3 --retry-delay 2 \
      --connect-timeout 20 --max-time 300 --max-filesize "$max_bytes" --output "$copy" -- "$url"
  ) 2> "$private/curl.err" || curl_status=$?
  if [ "$curl_status" = 63 ] || { [ -f "$copy" ] && [ "$(stat -c %s -- "$copy")" -gt "$max_bytes" ]; }; then
    die "$name from $base is larger than $max_bytes bytes: refusing it (nothing unpacked)"
  fi
  [ "$curl_status" = 0 ] || die "download of $url failed: $(head -c 500 "$private/curl.err")"
  actual=$(sha_of "$copy")
  if [ "$actual" != "$pinned" ]; then
    die "$name from $base has SHA-256 $actual, action.yml pins $pinned: refusing it (nothing unpacked)"
  fi
  # Kept for actions/cache (saved after this step): written beside it, renamed into place.
  partial=$(mktemp "$download_dir/.download.XXXXXX")
  cp -- "$copy" "$partial" && mv -f -- "$partial" "$tarball" || { rm -f -- "$partial"; die "cannot keep $name in $download_dir"; }
fi

# Only now is anything unpacked. Even a pinned tarball may hold only relgate-<version>/...
top="relgate-$version"
listing=$(tar -tzf "$copy") || die "$name is not a readable tar.gz"
types=$(tar -tvzf "$copy" | cut -c1 | sort -u | tr -d '\n') || die "$name is not a readable tar.gz"
case "$types" in *[!d-]*) die "$name holds links or special files (entry types '$types'); only files and folders are unpacked" ;; esac
while IFS= read -r entry; do
  case "$entry" in
    "$top/" | "$top/"*) ;;
    *) die "$name holds '$entry' outside $top/" ;;
  esac
  case "/$entry/" in */../*) die "$name holds a '..' path: '$entry'" ;; esac
done <<< "$listing"

# Version-keyed folder, unpacked afresh every run (a later step cannot leave edits for the next).
dest="$install_root/relgate-$version-linux-$arch"
rm -rf -- "$dest"
mkdir -p -- "$dest"
tar -xzf "$copy" -C "$dest" --no-same-owner --no-same-permissions --delay-directory-restore ||
  die "unpacking $name failed"
bin_dir="$dest/$top/bin"
for step in verify-signature scan-gate slo-check promote rollback evidence; do
  [ -x "$bin_dir/$step" ] && [ ! -L "$bin_dir/$step" ] || die "$name lacks bin/$step"
done
echo "relgate $version ($arch) from the $source, SHA-256 $pinned verified: $bin_dir" >&2
put_output bin-dir "$bin_dir"
put_output version "$version"
put_output source "$source"
on_path "$bin_dir"
