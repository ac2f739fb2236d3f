#!/usr/bin/env bash
# Builds the release files of relgate from a configured and built build folder:
#   scripts/release.sh [--build-dir DIR] [--out DIR] [--signing-key KEY.pem | --unsigned] [--no-deb]
#                      [--bump-action FILE]
# OUT (default dist/) receives
#   relgate-<version>-linux-<arch>.tar.gz        relgate-<version>/{bin/*, share/relgate/policies/*.toml,
#                                                share/doc/relgate/*, LICENSE}; stripped binaries
#   relgate-<version>-linux-<arch>.debug.tar.gz  relgate-<version>/bin/.debug/<exe>.debug (unpack over
#                                                the tarball's folder: gdb follows the debuglink there)
#   relgate_<version>_<arch>.deb                 (unless --no-deb) the same files under /usr
#   SHA256SUMS                                   sha256sum format over the files above
#   SHA256SUMS.sig                               base64 DER ECDSA signature over SHA256SUMS, made with
#                                                --signing-key (ECDSA P-256 PEM): the cosign sign-blob
#                                                format, checked by `verify-signature --artifact SHA256SUMS
#                                                --signature SHA256SUMS.sig --key release.pub`
# Without --build-dir, configures and builds build/release (Release with -g, no tests, portable).
# With --build-dir, packages that folder as it is (it must be a RELGATE_PORTABLE build; nothing is
# compiled). Fails closed: no --signing-key and no --unsigned is exit 2, and no file is shipped
# unless every executable passes the portability gate: NEEDED only libc, libm, libcurl, libssl,
# libcrypto and the loader; no GLIBC_ symbol newer than 2.35; no GLIBCXX_/CXXABI_ import.
# The tarballs are reproducible: sorted names, owner 0, normalised modes, every mtime
# SOURCE_DATE_EPOCH (default: the last commit's time), gzip -n.
#   RELGATE_SIGNING_KEY_PASS  passphrase of an encrypted --signing-key (read by openssl from the env)
#   RELGATE_BUILD_LOCK        lock file held while building (default /tmp/relgate-build.lock)
set -euo pipefail
umask 022

usage() {
  echo "usage: $0 [--build-dir DIR] [--out DIR] [--signing-key KEY.pem | --unsigned] [--no-deb] [--bump-action FILE]" >&2
  exit 2
}
die() { echo "release: $*" >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd)

build_dir='' out_dir=$root/dist signing_key='' unsigned=0 make_deb=1 bump_action=''
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) [ $# -ge 2 ] || usage; build_dir=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || usage; out_dir=$2; shift 2 ;;
    --signing-key) [ $# -ge 2 ] || usage; signing_key=$2; shift 2 ;;
    --unsigned) unsigned=1; shift ;;
    --no-deb) make_deb=0; shift ;;
    --bump-action) [ $# -ge 2 ] || usage; bump_action=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "release: unknown argument '$1'" >&2; usage ;;
  esac
done
if [ -n "$signing_key" ] && [ "$unsigned" = 1 ]; then
  echo "release: --signing-key and --unsigned exclude each other" >&2; exit 2
fi
if [ -z "$signing_key" ] && [ "$unsigned" = 0 ]; then
  echo "release: no --signing-key: refusing to make an unsigned release (pass --unsigned to mean it)" >&2
  exit 2
fi
for path in "$build_dir" "$out_dir" "$signing_key" "$bump_action"; do
  # The paths go into a CPack (CMake) script: no quote, backslash, semicolon, dollar or newline.
  case "$path" in *[\"\\\;\$]* | *$'\n'*) echo "release: unsupported character in path '$path'" >&2; exit 2 ;; esac
done

need() { command -v "$1" >/dev/null || die "$1 not found (${2:-install it})"; }
for tool in cmake readelf objdump objcopy strip tar gzip sha256sum; do need "$tool" binutils/coreutils; done
[ "$make_deb" = 0 ] || need cpack cmake

# --- signing key first: a bad key must not cost a build -----------------------------------------
pass_args=(-passin pass:)
[ -z "${RELGATE_SIGNING_KEY_PASS+x}" ] || pass_args=(-passin env:RELGATE_SIGNING_KEY_PASS)
if [ -n "$signing_key" ]; then
  need openssl
  [ -f "$signing_key" ] || die "--signing-key $signing_key: no such file"
  key_text=$(openssl pkey "${pass_args[@]}" -in "$signing_key" -noout -text 2>&1) ||
    die "--signing-key $signing_key: not a readable private key (openssl: ${key_text##*$'\n'})"
  grep -q 'ASN1 OID: prime256v1' <<<"$key_text" ||
    die "--signing-key $signing_key: not an ECDSA P-256 private key (cosign's key type)"
fi

# --- the build folder ---------------------------------------------------------------------------
lock=${RELGATE_BUILD_LOCK:-/tmp/relgate-build.lock}
locked() { if command -v flock >/dev/null; then flock "$lock" "$@"; else "$@"; fi; }
if [ -z "$build_dir" ]; then
  build_dir=$root/build/release
  if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    # -ffile-prefix-map: no checkout path in the binaries or their debug info (reproducible builds).
    cmake -S "$root" -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_CXX_FLAGS="-g -ffile-prefix-map=$root=." \
      -DRELGATE_TESTS=OFF -DRELGATE_PORTABLE=ON -DRELGATE_SOURCE_POLICY_FALLBACK=OFF -DRELGATE_WERROR="${RELGATE_WERROR:-OFF}"
  fi
  locked cmake --build "$build_dir" -j "$(nproc)"
fi
build_dir=$(cd "$build_dir" && pwd) || die "no build folder $build_dir"
cache=$build_dir/CMakeCache.txt
[ -f "$cache" ] || die "$build_dir is not a configured CMake build folder"
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$cache" | head -1; }
[ "$(cache_value RELGATE_PORTABLE)" = ON ] ||
  die "$build_dir is not a portable build (RELGATE_PORTABLE=OFF): its binaries need the build machine's libraries"
version=$(cache_value CMAKE_PROJECT_VERSION)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+.~][0-9A-Za-z.~+-]*)?$ ]] || die "cannot read the project version from $cache"
if command -v dpkg >/dev/null; then
  arch=$(dpkg --print-architecture)
else
  case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) die "unsupported machine $(uname -m)" ;; esac
fi
case "$arch" in amd64 | arm64) ;; *) die "unsupported architecture $arch (amd64 or arm64)" ;; esac
[ "$make_deb" = 0 ] || [ -f "$build_dir/CPackConfig.cmake" ] || die "$build_dir has no CPackConfig.cmake (reconfigure it)"

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct 2>/dev/null) ||
    die "SOURCE_DATE_EPOCH unset and $root is not a git checkout: set it (the tarballs' mtime)"
fi
[[ $SOURCE_DATE_EPOCH =~ ^[0-9]+$ ]] || die "SOURCE_DATE_EPOCH must be seconds since the epoch"
export SOURCE_DATE_EPOCH

# --- stage: cmake --install, then the portability gate ------------------------------------------
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
work=$(mktemp -d "$out_dir/.release.XXXXXX")
trap 'rm -rf "$work"' EXIT
name=relgate-$version
tarball=$name-linux-$arch.tar.gz
debug_tarball=$name-linux-$arch.debug.tar.gz
deb=relgate_${version}_$arch.deb
rm -f "$out_dir/$tarball" "$out_dir/$debug_tarball" "$out_dir/$deb" "$out_dir/SHA256SUMS" "$out_dir/SHA256SUMS.sig"

stage=$work/stage # the install prefix's layout: bin/, share/relgate/policies/, share/doc/relgate/
cmake --install "$build_dir" --prefix "$stage" >"$work/install.log" || { cat "$work/install.log" >&2; die "cmake --install failed"; }
executables=()
for exe in "$stage"/bin/*; do
  [ -f "$exe" ] && [ -x "$exe" ] && executables+=("$exe")
done
((${#executables[@]})) || die "cmake --install put no executable into bin/"
ls "$stage"/share/relgate/policies/*.toml >/dev/null 2>&1 || die "no default policies installed"
[ -f "$stage/share/doc/relgate/LICENSE" ] || die "LICENSE not installed"

glibc_max=2.35
gate_failed=0
for exe in "${executables[@]}"; do
  base=${exe##*/}
  while read -r lib; do
    case "$lib" in
      libc.so.6 | libm.so.6 | libcurl.so.4 | libssl.so.3 | libcrypto.so.3 | ld-linux-*.so.* | ld-linux.so.*) ;;
      *) echo "release: $base needs $lib (allowed: libc, libm, libcurl, libssl, libcrypto, the loader)" >&2; gate_failed=1 ;;
    esac
  done < <(readelf -d "$exe" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  newest=$(objdump -T "$exe" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
  if [ -n "$newest" ] && [ "$(printf '%s\n%s\n' "$newest" "$glibc_max" | sort -V | tail -1)" != "$glibc_max" ]; then
    echo "release: $base imports GLIBC_$newest symbols (floor: GLIBC_$glibc_max):" >&2
    objdump -T "$exe" | grep "GLIBC_$newest" | sed 's/^/  /' >&2
    gate_failed=1
  fi
  if objdump -T "$exe" | grep -q 'GLIBCXX_\|CXXABI_'; then
    echo "release: $base imports libstdc++ symbols (GLIBCXX_/CXXABI_): not linked statically" >&2
    gate_failed=1
  fi
done
[ "$gate_failed" = 0 ] || die "the portability gate failed: nothing was released"

# --- split the debug info: <exe>.debug apart, the binary stripped with a debuglink -------------
debug_root=$work/debug/$name
mkdir -p "$debug_root/bin/.debug"
for exe in "${executables[@]}"; do
  base=${exe##*/}
  objcopy --only-keep-debug "$exe" "$debug_root/bin/.debug/$base.debug"
  strip --strip-debug --strip-unneeded --remove-section=.gnu_debuglink "$exe"
  (cd "$debug_root/bin/.debug" && objcopy --add-gnu-debuglink="$base.debug" "$exe")
done

# --- tarballs -----------------------------------------------------------------------------------
tree=$work/tree/$name
mkdir -p "$tree"
cp -a "$stage/." "$tree/"
cp "$stage/share/doc/relgate/LICENSE" "$tree/LICENSE"
normalise() { # fixed modes whatever the umask and checkout were
  find "$1" -type d -exec chmod 0755 {} +
  find "$1" -type f -exec chmod 0644 {} +
  if [ -d "$1/bin" ]; then find "$1/bin" -maxdepth 1 -type f -exec chmod 0755 {} +; fi
}
reproducible_tar() { # reproducible_tar OUTPUT DIR NAME GZIP-LEVEL
  tar --sort=name --format=gnu --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
    -C "$2" -cf - "$3" | gzip -n "-$4" >"$1"
}
normalise "$tree"
normalise "$debug_root"
find "$debug_root/bin/.debug" -type f -exec chmod 0644 {} +
reproducible_tar "$work/$tarball" "$work/tree" "$name" 9
reproducible_tar "$work/$debug_tarball" "$work/debug" "$name" 6 # large: the time goes to size otherwise
files=("$tarball" "$debug_tarball")

# --- the Debian package: CPack over the stripped stage, installed under /usr ---------------------
if [ "$make_deb" = 1 ]; then
  cat >"$work/CPackRelease.cmake" <<EOF
include("$build_dir/CPackConfig.cmake")
set(CPACK_INSTALL_CMAKE_PROJECTS "")
# Installed directories ignore CPACK_PACKAGING_INSTALL_PREFIX: place the stage under it by hand.
string(REGEX REPLACE "^/+" "" relgate_prefix "\${CPACK_PACKAGING_INSTALL_PREFIX}")
set(CPACK_INSTALLED_DIRECTORIES "$stage;\${relgate_prefix}")
set(CPACK_PACKAGE_DIRECTORY "$work/cpack")
set(CPACK_STRIP_FILES OFF)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "$arch")
EOF
  normalise "$stage"
  (cd "$work" && cpack --config "$work/CPackRelease.cmake" -G DEB >"$work/cpack.log" 2>&1) ||
    { cat "$work/cpack.log" >&2; die "cpack failed"; }
  made=$(find "$work/cpack" -maxdepth 1 -name '*.deb')
  [ "$(printf '%s\n' "$made" | grep -c .)" = 1 ] || die "cpack made no single .deb: $made"
  mv "$made" "$work/$deb"
  files+=("$deb")
fi

# --- sums and signature -------------------------------------------------------------------------
for file in "${files[@]}"; do mv "$work/$file" "$out_dir/$file"; done
(cd "$out_dir" && sha256sum -- "${files[@]}" >"$work/SHA256SUMS" && mv "$work/SHA256SUMS" SHA256SUMS)
if [ -n "$signing_key" ]; then
  openssl dgst -sha256 "${pass_args[@]}" -sign "$signing_key" -out "$work/sig.der" "$out_dir/SHA256SUMS"
  openssl pkey "${pass_args[@]}" -in "$signing_key" -pubout -out "$work/release.pub"
  openssl dgst -sha256 -verify "$work/release.pub" -signature "$work/sig.der" "$out_dir/SHA256SUMS" >/dev/null ||
    die "the signature just made does not verify"
  base64 -w0 "$work/sig.der" >"$out_dir/SHA256SUMS.sig"
fi

if [ -n "$bump_action" ]; then
  [ -x "$root/scripts/pin-release.sh" ] || die "--bump-action: scripts/pin-release.sh not found"
  "$root/scripts/pin-release.sh" --version "$version" --sha256 "$arch=$(sha256sum "$out_dir/$tarball" | cut -d' ' -f1)" -- "$bump_action"
fi

echo "release: relgate $version linux/$arch in $out_dir (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
for file in "${files[@]}" SHA256SUMS SHA256SUMS.sig; do
  if [ -f "$out_dir/$file" ]; then printf '  %-44s %10s bytes\n' "$file" "$(stat -c %s "$out_dir/$file")"; fi
done
[ -n "$signing_key" ] || echo "release: UNSIGNED (--unsigned): SHA256SUMS.sig was not made"
