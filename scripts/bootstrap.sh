#!/usr/bin/env bash
# Installs the Debian packages relgate needs (only what is missing), then configures and builds.
# Idempotent: a second run installs nothing and rebuilds only what changed.
#   BUILD_DIR (default build/)   RELGATE_WERROR (default OFF; CI sets ON)
set -euo pipefail
cd "$(dirname "$0")/.."

# Build: compiler, CMake/Ninja and the six libraries. Tests and demo: the real servers and peers.
packages=(
  g++ cmake ninja-build pkg-config
  libboost-program-options-dev rapidjson-dev libcurl4-openssl-dev libssl-dev
  libtomlplusplus-dev doctest-dev libre2-dev
  git jq openssl curl ca-certificates python3 procps rsync strace
  prometheus nginx wrk hyperfine time
  clang libclang-rt-14-dev
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  # Packaged services must not start on install: tests start their own on loopback.
  policy_rc=/usr/sbin/policy-rc.d
  if [ ! -e "$policy_rc" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy_rc" >/dev/null
    $sudo chmod +x "$policy_rc"
    trap '$sudo rm -f "$policy_rc"' EXIT
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build_dir=${BUILD_DIR:-build}
werror=${RELGATE_WERROR:-OFF}
if [ ! -f "$build_dir/build.ninja" ] || ! grep -q "RELGATE_WERROR:BOOL=$werror" "$build_dir/CMakeCache.txt" 2>/dev/null; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRELGATE_WERROR="$werror"
fi
cmake --build "$build_dir" -j "$(nproc)"
