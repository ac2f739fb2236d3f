#!/usr/bin/env bash
# Builds (via bootstrap.sh) and runs every test:
#   1. the formatting check (clang-format 14, .clang-format), on every C++ file, and clang-tidy 14
#      (.clang-tidy) on the product code (common/, steps/);
#   2. a clang build with ASan + UBSan and libFuzzer coverage (build/sanitize): a short libFuzzer run
#      of each fuzz target (one per core at a time), then the ctest suite under the sanitizers
#      (all but the tests labelled "once");
#   3. the whole ctest suite on the gcc build (build/), whose summary ends the output.
#   FUZZ_SECONDS (default 10 per target; 0 skips the libFuzzer runs)
#   FUZZ_SEED (default 1, so a CI run is reproducible; 0 = a new random seed each run)
#   TIDY (default 1; 0 skips clang-tidy)
#   SANITIZE (default 1; 0 skips the sanitizer build and its runs, e.g. on a machine without clang)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

build_dir=${BUILD_DIR:-build}
# phase NAME: prints how long the previous phase took, so a slow CI run says where its minutes went.
phase_start=$SECONDS phase_name=bootstrap
phase() { echo "time: $phase_name took $((SECONDS - phase_start)) s"; phase_start=$SECONDS phase_name=$1; }
scripts/bootstrap.sh --profile test --build-dir "$build_dir"
phase format

rm -rf "$build_dir/test-tmp"
status=0

echo "format: clang-format-14 --dry-run -Werror on every C++ file"
if ! git ls-files -z -- '*.cpp' '*.hpp' | xargs -0 clang-format-14 --dry-run -Werror; then
  echo "format: FAILED (run: git ls-files -z -- '*.cpp' '*.hpp' | xargs -0 clang-format-14 -i)"
  status=1
fi

phase tidy
# clang-tidy 14 (.clang-tidy) over the product code (common/, steps/). The compile database comes
# from a configure-only clang tree (nothing is built) with unity batches of 16 sources: clang-tidy's
# cost is parsing, so 26 translation units instead of 145 (~200 CPU-s instead of ~570). Two at a
# time (xargs -P2). TIDY=0 skips it (a machine without clang-tidy-14).
if [ "${TIDY:-1}" != 0 ]; then
  tidy_dir="$build_dir/tidy"
  if ! command -v clang-tidy-14 >/dev/null || ! command -v clang++-14 >/dev/null; then
    echo "tidy: FAILED (clang-tidy-14 and clang++-14 are needed: apt-get install clang-tidy-14; or TIDY=0)"
    status=1
  elif ! cmake -S . -B "$tidy_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
         -DRELGATE_UNITY=ON -DRELGATE_UNITY_BATCH=16 -DRELGATE_PCH=OFF -DRELGATE_TESTS=OFF >/dev/null; then
    echo "tidy: FAILED (configuring $tidy_dir)"
    status=1
  else
    echo "tidy: clang-tidy-14 on common/ and steps/ ($tidy_dir/compile_commands.json)"
    # --config-file: the unity sources live in the build tree, outside .clang-tidy's folder. Any
    # printed diagnostic fails the run (WarningsAsErrors: '*'; a compile error prints one too).
    tidy_log="$tidy_dir/tidy.log"
    jq -r '.[].file' "$tidy_dir/compile_commands.json" | grep -E '/(common|steps)/' |
      xargs -P2 -n1 clang-tidy-14 --config-file="$root/.clang-tidy" -p "$tidy_dir" --quiet >"$tidy_log" 2>/dev/null || true
    if grep -qE '(error|warning):' "$tidy_log"; then
      cat "$tidy_log"
      echo "tidy: FAILED (the findings above; each check's reason is in .clang-tidy)"
      status=1
    fi
  fi
fi

phase "sanitizer build"
san_dir="$build_dir/sanitize"
if [ "${SANITIZE:-1}" != 0 ] && command -v clang++ >/dev/null; then
  if [ ! -f "$san_dir/build.ninja" ]; then
    # -O1 and line tables only: enough for the sanitizers, fuzzing and stack traces, cheap to compile.
    CXX=clang++ cmake -S . -B "$san_dir" -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" \
      -DRELGATE_FUZZ=ON -DRELGATE_SANITIZE=ON -DRELGATE_WERROR="${RELGATE_WERROR:-OFF}" >/dev/null
  fi
  cmake --build "$san_dir" -j "$(nproc)"
  rm -rf "$san_dir/test-tmp"
  phase libfuzzer
  fuzz_seconds=${FUZZ_SECONDS:-10}
  fuzz_one() { # fuzz_one TARGET: one single-process libFuzzer run; its status is the run's
    local target=$1 name work dict=()
    name=$(basename "$target")
    work="$san_dir/test-tmp/libfuzzer/$name"
    mkdir -p "$work"
    cp -r "$root/tests/fuzz/seeds/$name/." "$work/" 2>/dev/null || true
    [ -f "$root/tests/fuzz/dict/$name.dict" ] && dict=(-dict="$root/tests/fuzz/dict/$name.dict")
    echo "libfuzzer: $name for ${fuzz_seconds}s"
    if ! "$target" -max_total_time="$fuzz_seconds" -seed="${FUZZ_SEED:-1}" -rss_limit_mb=2048 -print_final_stats=0 \
         "${dict[@]}" -artifact_prefix="$work/crash-" "$work" >"$work.log" 2>&1; then
      echo "libfuzzer: $name FAILED (log: $work.log)"; tail -30 "$work.log"; return 1
    fi
  }
  if [ "$fuzz_seconds" != 0 ]; then
    # One target per core at a time: each still gets a whole core for its fuzz_seconds.
    running=()
    for target in "$san_dir"/fuzz/fuzz_*; do
      [ -x "$target" ] || continue
      if ((${#running[@]} >= $(nproc))); then
        wait "${running[0]}" || status=1
        running=("${running[@]:1}")
      fi
      fuzz_one "$target" &
      running+=($!)
    done
    for pid in "${running[@]}"; do wait "$pid" || status=1; done
  fi
  # Tests labelled "once" (tests/reach: packaging, images, CI clients) exercise no C++ path the
  # other tests miss; they run in the gcc pass only.
  phase "sanitizer tests"
  echo "sanitizers: the ctest suite under ASan + UBSan ($san_dir), without the tests labelled once"
  (cd "$san_dir" && ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j "$(nproc)" -LE once) || status=1
fi

# ctest on the gcc build last, so its summary closes the output.
phase "gcc tests"
(cd "$build_dir" && ctest --output-on-failure -j "$(nproc)") || status=$?
phase done
echo "time: the whole run took $SECONDS s"
exit $status
