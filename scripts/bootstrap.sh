#!/usr/bin/env bash
# Installs the Debian packages relgate needs (only what is missing), then configures and builds.
# Idempotent: a second run installs nothing and rebuilds only what changed.
#
#   scripts/bootstrap.sh [--profile build|demo|test] [--build-dir DIR] [--targets "t1 t2"]
#     --profile build  compiler, CMake/Ninja and the libraries; builds the executables only
#     --profile demo   build + what scripts/demo.sh runs (git, jq, curl, python3, wrk, Prometheus)
#     --profile test   (default) everything: test libraries, the real servers and peers, clang for
#                      the sanitizer build; builds the whole tree with its tests
#     --build-dir DIR  (default $BUILD_DIR, else build/)
#     --targets "..."  build only these CMake targets (default: the profile's)
#   A new build folder made for build/demo is configured without tests (-DRELGATE_TESTS=OFF) and
#   without debug info (Release at -O2: a third less compile time than RelWithDebInfo's -O2 -g);
#   an existing one keeps its settings (so `ctest` in it keeps working) and only the executables,
#   or the targets asked for, are built. test turns tests on and builds RelWithDebInfo.
#   RELGATE_WERROR (default OFF; CI sets ON)   RELGATE_BUILD_TYPE (default: as above)
set -euo pipefail
cd "$(dirname "$0")/.."

profile=test
build_dir=${BUILD_DIR:-build}
targets=""
while (($#)); do
  case $1 in
    --profile) profile=${2:?--profile needs build, demo or test}; shift 2 ;;
    --profile=*) profile=${1#*=}; shift ;;
    --build-dir) build_dir=${2:?--build-dir needs a folder}; shift 2 ;;
    --build-dir=*) build_dir=${1#*=}; shift ;;
    --targets) targets=${2?--targets needs a list}; shift 2 ;;
    --targets=*) targets=${1#*=}; shift ;;
    -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bootstrap: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# build: what compiling needs. demo: what scripts/demo.sh runs. test: the unit-test library, the
# real servers and peers the tests start, and clang for the sanitizer and libFuzzer build.
build_packages=(
  g++ cmake ninja-build pkg-config
  libboost-program-options-dev rapidjson-dev libcurl4-openssl-dev libssl-dev
  libtomlplusplus-dev libre2-dev libxxhash-dev
)
demo_packages=(git jq openssl curl ca-certificates python3 wrk prometheus)
test_packages=(
  doctest-dev procps rsync strace nginx hyperfine time
  clang libclang-rt-14-dev clang-format-14 clang-tidy-14
)
case $profile in
  build) packages=("${build_packages[@]}") ;;
  demo) packages=("${build_packages[@]}" "${demo_packages[@]}") ;;
  test) packages=("${build_packages[@]}" "${demo_packages[@]}" "${test_packages[@]}") ;;
  *) echo "bootstrap: --profile is build, demo or test, not '$profile'" >&2; exit 2 ;;
esac

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

werror=${RELGATE_WERROR:-OFF}
cache="$build_dir/CMakeCache.txt"
configure=()
if [ ! -f "$build_dir/build.ninja" ]; then
  configure=(-G Ninja -DRELGATE_WERROR="$werror")
  if [ "$profile" = test ]; then
    # -g1 (line tables and function names: enough for backtraces and gdb's bt): a third less
    # compile time than -g, for a build that is compiled on every CI run.
    configure+=(-DCMAKE_BUILD_TYPE="${RELGATE_BUILD_TYPE:-RelWithDebInfo}" -DRELGATE_TESTS=ON
      "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")
  elif [ -n "${RELGATE_BUILD_TYPE:-}" ]; then
    configure+=(-DCMAKE_BUILD_TYPE="$RELGATE_BUILD_TYPE" -DRELGATE_TESTS=OFF)
  else
    configure+=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" -DRELGATE_TESTS=OFF)
  fi
else
  grep -q "^RELGATE_WERROR:BOOL=$werror\$" "$cache" || configure+=(-DRELGATE_WERROR="$werror")
  if [ "$profile" = test ]; then
    grep -q '^RELGATE_TESTS:BOOL=ON$' "$cache" || configure+=(-DRELGATE_TESTS=ON)
    type=${RELGATE_BUILD_TYPE:-RelWithDebInfo}
    grep -q "^CMAKE_BUILD_TYPE:STRING=$type\$" "$cache" || configure+=(-DCMAKE_BUILD_TYPE="$type")
  fi
fi
if ((${#configure[@]})); then
  cmake -S . -B "$build_dir" "${configure[@]}"
fi

# The executables only, unless the profile is test or targets were named.
if [ -z "$targets" ] && [ "$profile" != test ]; then targets=relgate_executables; fi
target_args=()
for target in $targets; do target_args+=(--target "$target"); done
cmake --build "$build_dir" -j "$(nproc)" "${target_args[@]}"
