#!/usr/bin/env bash
# scripts/release.sh packages the build under test ($RELGATE_BUILD_DIR, as it is: nothing is
# compiled again) with an ephemeral ECDSA P-256 key, and the release is what users are promised:
#   - fails closed: no key (exit 2, no file), a key of the wrong type, an unknown flag;
#   - tarball, debug tarball, .deb, SHA256SUMS (sha256sum -c), SHA256SUMS.sig; --bump-action pins
#     the tarball's SHA-256 in a copy of action.yml;
#   - tarball: every executable of the build, the default policies, docs, LICENSE; sorted names,
#     owner 0, every mtime SOURCE_DATE_EPOCH; a second run gives the same bytes;
#   - every executable: NEEDED only libc, libm, libcurl, libssl, libcrypto, the loader (no
#     libstdc++, libgcc_s); no GLIBC_ symbol newer than 2.35, no GLIBCXX_/CXXABI_; stripped, with a
#     .gnu_debuglink whose CRC matches the .debug file of the debug tarball (which has .debug_info);
#   - unpacked elsewhere, the binaries run and take their default policy from
#     <exe>/../share/relgate/policies (RELGATE_POLICY_DIR unset; an edited copy changes the decision);
#   - the tarball's verify-signature: ALLOW on SHA256SUMS.sig, DENY on a tampered SHA256SUMS and
#     with another key; openssl agrees (base64 DER ECDSA over SHA-256: cosign sign-blob's format);
#   - the .deb: Depends, files under /usr (policies in /usr/share/relgate/policies), installed
#     with dpkg --root into a throwaway root where a binary runs and finds its policy; apt-get
#     resolves its dependencies on this host (simulated: the host is not changed).
source "$(dirname "$0")/../cli/lib.sh"
src=$RELGATE_SOURCE_DIR
build=$RELGATE_BUILD_DIR
release=$src/scripts/release.sh
for tool in openssl readelf objdump python3 dpkg-deb cpack; do
  command -v "$tool" >/dev/null || skip "$tool not installed"
done
if grep -qE '^RELGATE_(SANITIZE|ASAN|UBSAN|FUZZ):BOOL=ON' "$build/CMakeCache.txt"; then
  skip "$build is a sanitizer/fuzz build: releases come from the portable gcc build"
fi
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
arch=$(dpkg --print-architecture)
name=relgate-$version
tarball=$name-linux-$arch.tar.gz
debug_tarball=$name-linux-$arch.debug.tar.gz
deb=relgate_${version}_$arch.deb
cd "$TMP"

# --- fails closed -------------------------------------------------------------------------------
run "$release" --build-dir "$build" --out "$TMP/nokey"
expect_rc 2 "no --signing-key and no --unsigned"
expect_contains "$err" "refusing to make an unsigned release" "says why"
[ -z "$(ls -A "$TMP/nokey" 2>/dev/null)" ] || fail "files made without a key: $(ls -A "$TMP/nokey")"
openssl ecparam -name secp384r1 -genkey -noout -out p384.key 2>/dev/null
run "$release" --build-dir "$build" --out "$TMP/p384" --signing-key p384.key
expect_rc 1 "a P-384 key is refused"
expect_contains "$err" "not an ECDSA P-256 private key" "names the key type"
run "$release" --build-dir "$build" --out "$TMP/x" --unsigned --sign-later
expect_rc 2 "unknown flag"

# --- the release ----------------------------------------------------------------------------------
openssl ecparam -name prime256v1 -genkey -noout -out release.key 2>/dev/null
openssl ec -in release.key -pubout -out release.pub 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out other.key 2>/dev/null
openssl ec -in other.key -pubout -out other.pub 2>/dev/null
cp "$src/action.yml" action.yml
ms_since() { echo "$((($(date +%s%N) - $1) / 1000000)) ms"; }
start=$(date +%s%N)
run "$release" --build-dir "$build" --out "$TMP/dist" --signing-key release.key --bump-action "$TMP/action.yml"
expect_rc 0 "release.sh"
echo "release.sh: $(ms_since "$start")"
echo "$out"
[ "$rc" = 0 ] || finish
for file in "$tarball" "$debug_tarball" "$deb" SHA256SUMS SHA256SUMS.sig; do
  [ -s "dist/$file" ] || fail "dist/$file missing"
done
run bash -c 'cd dist && sha256sum --strict -c SHA256SUMS'
expect_rc 0 "sha256sum -c SHA256SUMS"
expect_eq "$(cut -d' ' -f3 dist/SHA256SUMS | sort | tr '\n' ' ')" "$(printf '%s\n' "$tarball" "$debug_tarball" "$deb" | sort | tr '\n' ' ')" "SHA256SUMS lists the three files"
tar_sha=$(sha256sum "dist/$tarball" | cut -d' ' -f1)
expect_contains "$(cat action.yml)" "RELGATE_VERSION: \"$version\"" "--bump-action pins the version"
expect_contains "$(cat action.yml)" "RELGATE_SHA256_${arch^^}: \"$tar_sha\"" "--bump-action pins the tarball's SHA-256"

# --- tarball layout and reproducibility -----------------------------------------------------------
epoch=$(git -C "$src" log -1 --format=%ct)
run python3 - "dist/$tarball" "$name" "$epoch" <<'PY'
import sys, tarfile
path, top, epoch = sys.argv[1], sys.argv[2], int(sys.argv[3])
with tarfile.open(path) as t:
    members = t.getmembers()
names = [m.name for m in members]
problems = []
if names != sorted(names): problems.append("names not sorted")
for m in members:
    if not (m.name == top or m.name.startswith(top + "/")): problems.append(f"{m.name} outside {top}/")
    if (m.uid, m.gid) != (0, 0): problems.append(f"{m.name} owner {m.uid}:{m.gid}")
    if m.mtime != epoch: problems.append(f"{m.name} mtime {m.mtime} != {epoch}")
    if m.issym() or m.islnk(): problems.append(f"{m.name} is a link")
print("\n".join(problems))
sys.exit(1 if problems else 0)
PY
expect_rc 0 "tarball: sorted, owner 0, mtime of the last commit, no links"
mkdir -p unpack && tar -xzf "dist/$tarball" -C unpack
tree=$TMP/unpack/$name
expect_eq "$(ls "$tree/bin" | tr '\n' ' ')" "$(ls "$build/bin" | tr '\n' ' ')" "every executable of the build"
run diff -r "$src/policies" "$tree/share/relgate/policies"
expect_rc 0 "the default policies"
for doc in README.md LICENSE ci.md; do [ -f "$tree/share/doc/relgate/$doc" ] || fail "share/doc/relgate/$doc missing"; done
cmp -s "$tree/LICENSE" "$src/LICENSE" || fail "LICENSE at the top"

start=$(date +%s%N)
run env SOURCE_DATE_EPOCH="$epoch" "$release" --build-dir "$build" --out "$TMP/dist2" --unsigned --no-deb
expect_rc 0 "second release run (unsigned, no deb)"
echo "release.sh --unsigned --no-deb: $(ms_since "$start")"
cmp -s "dist/$tarball" "dist2/$tarball" || fail "the tarball is not reproducible"
cmp -s "dist/$debug_tarball" "dist2/$debug_tarball" || fail "the debug tarball is not reproducible"
[ ! -e dist2/SHA256SUMS.sig ] || fail "--unsigned made a signature"

# --- portable, stripped, debug info apart ---------------------------------------------------------
mkdir -p debug && tar -xzf "dist/$debug_tarball" -C debug
for exe in "$tree"/bin/*; do
  base=${exe##*/}
  needed=$(readelf -d "$exe" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
  echo "$base: $(stat -c %s "$exe") bytes; NEEDED $needed; newest $(objdump -T "$exe" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)"
  for lib in $needed; do
    case "$lib" in
      libc.so.6 | libm.so.6 | libcurl.so.4 | libssl.so.3 | libcrypto.so.3 | ld-linux-*) ;;
      *) fail "$base needs $lib" ;;
    esac
  done
  case "$needed" in *libstdc++* | *libgcc_s*) fail "$base links the shared C++ runtime" ;; esac
  too_new=$(objdump -T "$exe" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV |
    awk -F. '$1 > 2 || ($1 == 2 && $2 > 35)')
  [ -z "$too_new" ] || fail "$base imports GLIBC_$too_new (floor 2.35)"
  ! objdump -T "$exe" | grep -q 'GLIBCXX_\|CXXABI_' || fail "$base imports libstdc++ symbols"
  sections=$(readelf -S --wide "$exe")
  expect_not_contains "$sections" ".debug_info" "$base is stripped"
  expect_contains "$sections" ".gnu_debuglink" "$base has a debuglink"
  debug_file=$TMP/debug/$name/bin/.debug/$base.debug
  [ -f "$debug_file" ] || { fail "$base: no $base.debug in the debug tarball"; continue; }
  expect_contains "$(readelf -S --wide "$debug_file" 2>/dev/null)" ".debug_info" "$base.debug has the debug info"
  run python3 - "$exe" "$debug_file" <<'PY'
import subprocess, sys, zlib, os
exe, debug = sys.argv[1], sys.argv[2]
out = "/dev/stdout"
data = subprocess.run(["objcopy", "--dump-section", ".gnu_debuglink=/dev/stdout", exe, "/dev/null"],
                      capture_output=True, check=True).stdout
name, rest = data.split(b"\0", 1)
crc = int.from_bytes(data[-4:], "little")
want = zlib.crc32(open(debug, "rb").read()) & 0xffffffff
ok = name.decode() == os.path.basename(debug) and crc == want
print(f"debuglink {name.decode()} crc {crc:08x}, file crc {want:08x}")
sys.exit(0 if ok else 1)
PY
  expect_rc 0 "$base: the debuglink names $base.debug with its CRC"
done

# --- runs from another folder, policy found next to the executable --------------------------------
mkdir -p elsewhere && cd elsewhere
printf '{"SchemaVersion":2,"ArtifactName":"app","Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-0001","PkgName":"zlib","InstalledVersion":"1.2","Severity":"CRITICAL"}]}]}' >report.json
decide() { # decide BIN_DIR: scan-gate with no --policy and RELGATE_POLICY_DIR unset, a clean PATH
  run env -u RELGATE_POLICY_DIR PATH=/usr/bin:/bin "$1/scan-gate" --report report.json --format json
}
run env -u RELGATE_POLICY_DIR PATH=/usr/bin:/bin "$tree/bin/scan-gate" --help
expect_rc 0 "scan-gate --help from the tarball"
expect_contains "$out" "Usage: scan-gate" "help text"
decide "$tree/bin"
expect_rc 1 "default policy (critical = 0): DENY"
sed -i 's/^critical = 0$/critical = 1/' "$tree/share/relgate/policies/scan.toml"
decide "$tree/bin"
expect_rc 0 "the edited policy next to the executable (critical = 1): ALLOW"
cd "$TMP"

# --- the release's own signature ----------------------------------------------------------------
vs=$tree/bin/verify-signature
verify() { run env -u RELGATE_POLICY_DIR "$vs" --artifact "$1" --signature dist/SHA256SUMS.sig --key "$2"; }
verify dist/SHA256SUMS release.pub
expect_rc 0 "verify-signature: the release's signature"
expect_contains "$out" "ALLOW" "ALLOW"
{ cat dist/SHA256SUMS; echo "0000000000000000000000000000000000000000000000000000000000000000  evil.tar.gz"; } >tampered
verify tampered release.pub
expect_rc 1 "verify-signature: a tampered SHA256SUMS"
expect_contains "$out" "DENY" "DENY"
verify dist/SHA256SUMS other.pub
expect_rc 1 "verify-signature: another key"
base64 -d dist/SHA256SUMS.sig >sig.der
run openssl dgst -sha256 -verify release.pub -signature sig.der dist/SHA256SUMS
expect_rc 0 "openssl: base64 of a DER ECDSA signature over SHA-256"

# --- the Debian package ---------------------------------------------------------------------------
run dpkg-deb -I "dist/$deb"
expect_rc 0 "dpkg-deb -I"
expect_contains "$out" "Package: relgate" "package name"
expect_contains "$out" "Version: $version" "version"
expect_contains "$out" "Architecture: $arch" "architecture"
expect_contains "$out" "Depends: libc6 (>= 2.35), libcurl4, libssl3" "t64-safe Depends"
expect_contains "$out" "Maintainer: " "maintainer"
contents=$(dpkg-deb -c "dist/$deb")
for path in ./usr/share/relgate/policies/scan.toml ./usr/share/relgate/policies/signature.toml \
  ./usr/bin/scan-gate ./usr/bin/verify-signature ./usr/share/doc/relgate/LICENSE; do
  expect_contains "$contents" "$path" "the .deb holds $path"
done
expect_not_contains "$contents" "/usr/LICENSE" "no LICENSE at /usr"
expect_eq "$(awk '{print $2}' <<<"$contents" | sort -u | tr '\n' ' ')" "root/root " "files owned by root"
root=$TMP/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" && touch "$root/var/lib/dpkg/status"
run dpkg --root="$root" --force-depends --force-script-chrootless -i "dist/$deb"
expect_rc 0 "dpkg --root -i into a throwaway root"
run dpkg --root="$root" -s relgate
expect_contains "$out" "Status: install ok installed" "dpkg knows it installed"
cmp -s "$root/usr/bin/scan-gate" "$tree/bin/scan-gate" || fail "the .deb's scan-gate is the tarball's (stripped) one"
cd elsewhere
decide "$root/usr/bin"
expect_rc 1 "the .deb's scan-gate finds /usr/share/relgate/policies (critical = 0): DENY"
sed -i 's/^critical = 0$/critical = 1/' "$root/usr/share/relgate/policies/scan.toml"
decide "$root/usr/bin"
expect_rc 0 "and it is that file it reads (critical = 1): ALLOW"
cd "$TMP"
if command -v apt-get >/dev/null; then
  run apt-get install --simulate --no-install-recommends "$TMP/dist/$deb"
  expect_rc 0 "apt-get install ./$deb resolves its dependencies here (simulated)"
  expect_contains "$out" "Inst relgate" "apt would install it"
fi
ls -l dist
finish
