#!/usr/bin/env bash
# Builds (via bootstrap.sh) and runs every test: a short libFuzzer run of each fuzz target built
# with clang, then unit, CLI, integration and fuzz-replay tests via ctest, whose summary ends the output.
#   FUZZ_SECONDS (default 10 per target; 0 skips the libFuzzer run)
#   FUZZ_SEED (default 1, so a CI run is reproducible; 0 = a new random seed each run)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scripts/bootstrap.sh

build_dir=${BUILD_DIR:-build}
rm -rf "$build_dir/test-tmp"
status=0

fuzz_seconds=${FUZZ_SECONDS:-10}
if [ "$fuzz_seconds" != 0 ] && command -v clang++ >/dev/null; then
  fuzz_dir="$build_dir/fuzz-clang"
  if [ ! -f "$fuzz_dir/build.ninja" ]; then
    # -O1 and line tables only: enough for fuzzing and stack traces, much cheaper to compile.
    CXX=clang++ cmake -S . -B "$fuzz_dir" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" \
      -DRELGATE_FUZZ=ON >/dev/null
  fi
  cmake --build "$fuzz_dir" --target fuzz_all -j "$(nproc)"
  for target in "$fuzz_dir"/fuzz/fuzz_*; do
    [ -x "$target" ] || continue
    name=$(basename "$target")
    work="$build_dir/test-tmp/libfuzzer/$name"
    mkdir -p "$work"
    cp -r "$root/tests/fuzz/seeds/$name/." "$work/" 2>/dev/null || true
    echo "libfuzzer: $name for ${fuzz_seconds}s"
    if ! "$target" -max_total_time="$fuzz_seconds" -seed="${FUZZ_SEED:-1}" -rss_limit_mb=2048 -print_final_stats=0 \
         -artifact_prefix="$work/crash-" "$work" >"$work.log" 2>&1; then
      echo "libfuzzer: $name FAILED (log: $work.log)"; tail -30 "$work.log"; status=1
    fi
  done
fi
# ctest last, so its summary closes the output.
(cd "$build_dir" && ctest --output-on-failure -j "$(nproc)") || status=$?
exit $status
