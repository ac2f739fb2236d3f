#!/usr/bin/env bash
# The real Dockerfile's runtime stage, built by podman from a release tarball of the build under
# test (--build-arg RELGATE_SOURCE=prebuilt: nothing compiles in a container), on a local minimal
# Debian 12 base (mmdebstrap --variant=minbase bookworm | podman import, cached), then entered
# with chroot, since containers cannot run on this kernel's cgroups:
#   - the binaries on PATH run as the image's non-root user (UID 10001, from the image config),
#     are the tarball's, and find their policy in /usr/local/share/relgate/policies (an edited
#     copy changes the decision);
#   - git and the CA certificates are inside; the user cannot write the binaries;
#   - the OCI labels (version, revision, source, licenses=Apache-2.0, ...);
#   - the prebuilt stage refuses a tarball that does not match dist/SHA256SUMS.
# Not tested here: the build stage (it compiles the tree inside debian:12: a second full compile).
# podman's storage and the base tarball live in $RELGATE_BUILD_DIR/image-cache (RELGATE_IMAGE_CACHE
# overrides), so a rerun reuses the base image and the apt layer.
# Skips (77) where podman cannot work: not root, no podman/mmdebstrap and no apt-get to install
# them, or podman cannot build here.
source "$(dirname "$0")/../cli/lib.sh"
src=$RELGATE_SOURCE_DIR
build=$RELGATE_BUILD_DIR
started=$(date +%s)
[ "$(id -u)" = 0 ] || skip "needs root (podman image mount and chroot)"
if grep -qE '^RELGATE_(SANITIZE|ASAN|UBSAN|FUZZ):BOOL=ON' "$build/CMakeCache.txt"; then
  skip "$build is a sanitizer/fuzz build: images come from the portable gcc build"
fi
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
command -v unshare >/dev/null || missing+=(util-linux)
if ((${#missing[@]})); then
  command -v apt-get >/dev/null || skip "${missing[*]} missing and no apt-get to install them"
  echo "installing ${missing[*]} from Debian"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$TMP/apt.log" 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$TMP/apt.log" 2>&1; } ||
    skip "cannot install ${missing[*]} ($(tail -1 "$TMP/apt.log"))"
fi

cache=${RELGATE_IMAGE_CACHE:-$build/image-cache}
mkdir -p "$cache"
# relgate's own storage, not the host's /var/lib/containers: nothing outside the build folder changes.
pm() { podman --root "$cache/storage" --runroot "$cache/runroot" --storage-driver overlay --cgroup-manager cgroupfs --events-backend none "$@"; }
run pm info --format '{{.Store.GraphDriverName}}'
[ "$rc" = 0 ] || skip "podman does not work here: $(tail -1 <<<"$err")"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
arch=$(dpkg --print-architecture)
revision=$(git -C "$src" rev-parse HEAD)
step() { echo "[$(($(date +%s) - started)) s] $*"; }

# --- the base image: Debian 12 minbase from mmdebstrap, imported once ------------------------------
base=localhost/debian:12-slim
if ! pm image exists "$base"; then
  tarball=$cache/debian-12-minbase.tar
  if [ ! -f "$tarball" ] || [ ! -s "$tarball" ]; then
    step "mmdebstrap --variant=minbase bookworm"
    # mmdebstrap picks the output format from the name: the partial file must end in .tar too.
    rm -rf "$tarball" "$cache/partial.tar"
    # The host's mirror may serve a dated snapshot: the image's apt must accept it as the host does.
    run mmdebstrap --variant=minbase --aptopt='Acquire::Check-Valid-Until "false"' bookworm "$cache/partial.tar"
    [ "$rc" = 0 ] || skip "mmdebstrap cannot make a Debian 12 base here: $(tail -3 <<<"$err")"
    mv "$cache/partial.tar" "$tarball"
  fi
  step "podman import"
  run pm import --change 'CMD ["bash"]' "$tarball" "$base"
  expect_rc 0 "podman import of the base"
  [ "$rc" = 0 ] || finish
fi

# --- the context: Dockerfile, .dockerignore and a release made from the build under test ------------
ctx=$TMP/context
mkdir -p "$ctx"
cp "$src/Dockerfile" "$src/.dockerignore" "$ctx/"
step "scripts/release.sh --unsigned --no-deb"
run "$src/scripts/release.sh" --build-dir "$build" --out "$ctx/dist" --unsigned --no-deb
expect_rc 0 "release.sh"
[ "$rc" = 0 ] || finish
release_tarball=$ctx/dist/relgate-$version-linux-$arch.tar.gz
mkdir -p "$TMP/unpack" && tar -xzf "$release_tarball" -C "$TMP/unpack"

image=localhost/relgate-test:$version
build_image() { # build_image CONTEXT TAG
  run pm build --isolation=chroot --pull=never --build-arg RELGATE_SOURCE=prebuilt --build-arg TARGETARCH="$arch" \
    --build-arg RUNTIME_IMAGE="$base" --build-arg BUILDER_IMAGE="$base" \
    --build-arg RELGATE_VERSION="$version" --build-arg RELGATE_REVISION="$revision" \
    -f "$1/Dockerfile" -t "$2" "$1"
}
step "podman build --isolation=chroot (runtime stage from the prebuilt tarball)"
build_image "$ctx" "$image"
expect_rc 0 "podman build"
if [ "$rc" != 0 ]; then
  case "$err$out" in
    *"cgroup"* | *"mount"*"permission denied"* | *"operation not permitted"*) skip "podman cannot build on this host: $(tail -3 <<<"$err")" ;;
  esac
  echo "$out" | tail -20
  finish
fi
step "built"

# --- labels and config -----------------------------------------------------------------------------
labels=$(pm image inspect --format '{{json .Labels}}' "$image")
label() { jq -r --arg k "org.opencontainers.image.$1" '.[$k] // ""' <<<"$labels"; }
expect_eq "$(label version)" "$version" "label version"
expect_eq "$(label revision)" "$revision" "label revision"
expect_eq "$(label licenses)" "Apache-2.0" "label licenses"
expect_eq "$(label source)" "https://github.com/relgate/relgate" "label source"
for key in title description url documentation; do [ -n "$(label "$key")" ] || fail "label $key missing"; done
user=$(pm image inspect --format '{{.Config.User}}' "$image")
expect_eq "$user" "10001:10001" "the image runs as UID 10001"

# --- inside: chroot into a container's root (writable, so the policy can be edited) ---------------
container=$(pm create "$image")
mnt=$(pm mount "$container")
cleanup() { pm umount "$container" >/dev/null 2>&1; pm rm -f "$container" >/dev/null 2>&1; }
trap cleanup EXIT
[ -d "$mnt/usr/local/bin" ] || fail "podman mount: no /usr/local/bin in $mnt"
image_mnt=$(pm image mount "$image")
cmp -s "$image_mnt/usr/local/bin/scan-gate" "$mnt/usr/local/bin/scan-gate" || fail "podman image mount shows the same scan-gate"
pm image unmount "$image" >/dev/null
grep -q '^relgate:x:10001:10001:' "$mnt/etc/passwd" || fail "user relgate with UID 10001 ($(grep relgate "$mnt/etc/passwd"))"
# inside USER CMD...: as the image's user, with the image's PATH, /proc of a private mount namespace
inside() {
  run unshare --mount --fork sh -c 'root=$0 user=$1; shift
    mount -t proc proc "$root/proc" && exec chroot --userspec="$user" "$root" "$@"' "$mnt" "$@"
}
in_env=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/home/relgate)
inside "$user" "${in_env[@]}" id -u
expect_eq "$out" "10001" "runs as 10001"
for exe in "$TMP/unpack/relgate-$version"/bin/*; do
  base_name=${exe##*/}
  cmp -s "$exe" "$mnt/usr/local/bin/$base_name" || fail "$base_name in the image is the tarball's"
  inside "$user" "${in_env[@]}" "$base_name" --version
  expect_rc 0 "$base_name --version on PATH as the non-root user"
  expect_contains "$out" "$version" "$base_name version"
done
inside "$user" "${in_env[@]}" git --version
expect_rc 0 "git in the image"
[ -s "$mnt/etc/ssl/certs/ca-certificates.crt" ] || fail "CA certificates in the image"
inside "$user" "${in_env[@]}" sh -c ': > /usr/local/bin/scan-gate'
[ "$rc" != 0 ] || fail "the non-root user can overwrite /usr/local/bin/scan-gate"
printf '{"SchemaVersion":2,"ArtifactName":"app","Results":[{"Target":"t","Vulnerabilities":[{"VulnerabilityID":"CVE-2024-0001","PkgName":"zlib","InstalledVersion":"1.2","Severity":"CRITICAL"}]}]}' \
  >"$mnt/home/relgate/report.json"
inside "$user" "${in_env[@]}" sh -c 'cd /home/relgate && scan-gate --report report.json'
expect_rc 1 "default policy from /usr/local/share/relgate/policies (critical = 0): DENY"
sed -i 's/^critical = 0$/critical = 1/' "$mnt/usr/local/share/relgate/policies/scan.toml"
inside "$user" "${in_env[@]}" sh -c 'cd /home/relgate && scan-gate --report report.json'
expect_rc 0 "the edited policy there (critical = 1): ALLOW"
cleanup
trap - EXIT

# --- the prebuilt stage checks the tarball against SHA256SUMS --------------------------------------
bad=$TMP/bad-context
cp -r "$ctx" "$bad"
printf 'tampered' >>"$bad/dist/relgate-$version-linux-$arch.tar.gz"
step "podman build with a tarball that does not match SHA256SUMS"
build_image "$bad" localhost/relgate-test:tampered
[ "$rc" != 0 ] || fail "the prebuilt stage accepted a tarball that does not match SHA256SUMS"
expect_contains "$out$err" "FAILED" "sha256sum names the mismatch"
pm rmi -f localhost/relgate-test:tampered >/dev/null 2>&1
# Stages of earlier runs left untagged: the cache stays the base, the apt layer and this image.
pm image prune -f >/dev/null 2>&1
step "done"
finish
