#!/usr/bin/env bash
# Cold build time of the gcc tree (issue 13, goal 3), reproducible from a fresh clone: configures a
# new build folder outside the source tree with the options scripts/bootstrap.sh --profile test
# uses (gcc, Ninja, RelWithDebInfo at -O2 -g1, unity builds, tests on, no ccache), builds the
# executables (target relgate_executables), then the rest of the tree (tests) on top, and removes
# the folder. Prints wall time and CPU time (user + sys of every compiler and linker) per phase.
#
# usage: bench/build/bench.sh [JOBS]        (default 2: the targets are for 2 cores)
#   REV=<git revision> (default HEAD): what is built, from a local clone of this repository, so
#       uncommitted edits in the working tree neither break nor flatter the measurement;
#       REV=worktree builds the working tree as it is.
#   BUILD_LOCK=<file>: hold this flock (e.g. /tmp/relgate-build.lock) for the whole run, so builds
#       of other people on the same machine wait instead of sharing the cores; waiting is not timed.
#   KEEP=1 keeps the temporary folder (its path is printed).
#   RELGATE_WERROR (default OFF, as bootstrap.sh).
#
# There is no peer product to build in the same run. The figures that make a regression visible
# instead: CPU seconds (independent of the machine's load, unlike wall time), CPU / JOBS as the
# estimate of wall time on JOBS idle cores, the ten most expensive build steps from .ninja_log,
# and the sizes of the build folder and of each executable.
# Targets (issue 13, goal 3) on 2 cores: executables alone < 3 min, the whole tree with tests < 6.
set -euo pipefail

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }
jobs=2
case $# in
  0) ;;
  1)
    case $1 in
      -h | --help) usage; exit 0 ;;
      *[!0-9]* | '' | 0*) echo "bench/build: JOBS must be a positive whole number of parallel jobs, not '$1' (e.g. bench/build/bench.sh 2)" >&2; exit 2 ;;
    esac
    jobs=$1
    if ((jobs > 256)); then echo "bench/build: JOBS '$1' is more than 256; pass the number of cores to measure (e.g. 2)" >&2; exit 2; fi
    ;;
  *) echo "bench/build: one optional argument, JOBS (see --help); got $#: $*" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
rev=${REV:-HEAD}
for tool in git cmake ninja g++ /usr/bin/time du awk; do
  command -v "$tool" >/dev/null || { echo "bench/build: missing $tool (scripts/bootstrap.sh --profile build installs it)" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/relgate-build-bench.XXXXXX")
case $work/ in "$root"/*) echo "bench/build: the temporary folder $work is inside the source tree; set TMPDIR elsewhere" >&2; rm -rf "$work"; exit 2 ;; esac
if [ "${KEEP:-0}" = 1 ]; then trap 'echo "kept: $work"' EXIT; else trap 'rm -rf "$work"' EXIT; fi

if [ -n "${BUILD_LOCK:-}" ]; then
  exec 9>>"$BUILD_LOCK"
  echo "waiting for $BUILD_LOCK ..."
  flock 9
fi

if [ "$rev" = worktree ]; then
  src=$root
  described="working tree of $root ($(git -C "$root" rev-parse --short HEAD) + uncommitted changes)"
else
  commit=$(git -C "$root" rev-parse --verify --quiet "$rev^{commit}") || { echo "bench/build: REV '$rev' is not a commit of $root" >&2; exit 2; }
  src=$work/src
  git clone --quiet --no-checkout "$root" "$src"
  git -C "$src" checkout --quiet --detach "$commit"
  described="$(git -C "$src" log -1 --format='%h %s' | cut -c1-100)"
fi
build=$work/build

# Every phase runs under /usr/bin/time: %U + %S are the user and system time of the cmake process
# and every process it waited for (ninja, the compilers, the linkers). /proc/stat gives the CPU the
# whole machine used in the same interval: the difference is what other people's work took.
machine_busy() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
ticks=$(getconf CLK_TCK)
total_wall=0 total_cpu=0
# phase NAME COMMAND...: runs and times it; sets phase_wall and phase_cpu.
phase() {
  local name=$1 load_before busy_before busy_after
  shift
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  busy_before=$(machine_busy)
  if ! /usr/bin/time -f '%e %U %S' -o "$work/time.$name" "$@" >"$work/log.$name" 2>&1; then
    tail -40 "$work/log.$name"
    echo "bench/build: phase '$name' failed (command: $*)" >&2
    exit 2
  fi
  busy_after=$(machine_busy)
  read -r phase_wall user sys < <(tail -n 1 "$work/time.$name")
  phase_cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.1f", u + s}')
  local others
  others=$(awk -v a="$busy_before" -v b="$busy_after" -v t="$ticks" -v own="$phase_cpu" \
    'BEGIN {o = (b - a) / t - own; if (o < 0) o = 0; printf "%.0f", o}')
  total_wall=$(awk -v a="$total_wall" -v b="$phase_wall" 'BEGIN {printf "%.1f", a + b}')
  total_cpu=$(awk -v a="$total_cpu" -v b="$phase_cpu" 'BEGIN {printf "%.1f", a + b}')
  printf '%-22s wall %7.1f s   CPU %7.1f s   CPU/%d %6.1f s   load before %s, after %s; other processes used %s CPU-s meanwhile\n' \
    "$name" "$phase_wall" "$phase_cpu" "$jobs" "$(awk -v c="$phase_cpu" -v j="$jobs" 'BEGIN {print c / j}')" \
    "$load_before" "$(cut -d' ' -f1-3 /proc/loadavg)" "$others"
}

echo "build bench: $described"
echo "machine: $(nproc) cores, $(g++ --version | head -1), $(cmake --version | head -1), ninja $(ninja --version); -j $jobs; nice $(nice)"
echo "folder: $build (removed afterwards unless KEEP=1)"
echo

# The options of scripts/bootstrap.sh --profile test for a new gcc tree; no compiler launcher.
phase configure env -u CCACHE_DIR CXX=g++ cmake -S "$src" -B "$build" -G Ninja \
  -DRELGATE_WERROR="${RELGATE_WERROR:-OFF}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRELGATE_TESTS=ON \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" -DCMAKE_CXX_COMPILER_LAUNCHER=
phase executables cmake --build "$build" -j "$jobs" --target relgate_executables
exe_wall=$total_wall exe_cpu=$total_cpu # configure + executables: what a user waits for
log_lines_after_exe=$(wc -l <"$build/.ninja_log")
phase "rest (tests)" cmake --build "$build" -j "$jobs"
printf '%-22s wall %7.1f s   CPU %7.1f s   CPU/%d %6.1f s\n' "total (cold)" "$total_wall" "$total_cpu" "$jobs" \
  "$(awk -v c="$total_cpu" -v j="$jobs" 'BEGIN {print c / j}')"

echo
echo "verdicts (issue 13 goal 3, on 2 cores; configure included). Wall time is this machine as it"
echo "was (shared: see the load and the other processes' CPU above); CPU/$jobs is the estimate for $jobs idle"
echo "cores (perfect parallelism, so a lower bound: links at the end of a phase run one at a time)."
verdict() { # verdict SECONDS LIMIT TEXT
  if awk -v s="$1" -v l="$2" 'BEGIN {exit !(s < l)}'; then echo "  ok    $3"; else echo "  MISS  $3"; fi
}
exe_est=$(awk -v c="$exe_cpu" -v j="$jobs" 'BEGIN {printf "%.0f", c / j}')
all_est=$(awk -v c="$total_cpu" -v j="$jobs" 'BEGIN {printf "%.0f", c / j}')
verdict "$exe_wall" 180 "executables, wall      ${exe_wall} s < 180 s"
verdict "$exe_est" 180 "executables, CPU/$jobs     ${exe_est} s < 180 s (idle-machine estimate)"
verdict "$total_wall" 360 "whole tree, wall       ${total_wall} s < 360 s"
verdict "$all_est" 360 "whole tree, CPU/$jobs      ${all_est} s < 360 s (idle-machine estimate)"

# .ninja_log (format v5): start ms, end ms, mtime, output, command hash; one line per output, so an
# edge with several outputs is counted once (same start and hash).
echo
echo "ten most expensive build steps (.ninja_log, wall ms of each step while $jobs ran at once):"
awk -F'\t' '!/^#/ && !seen[$1 FS $5]++ {printf "%d\t%s\n", $2 - $1, $4}' "$build/.ninja_log" |
  sort -rn | awk -F'\t' 'NR <= 10 {printf "  %6.1f s  %s\n", $1 / 1000, $2}' # reads all: no SIGPIPE
echo "sum of step times by kind (executables phase / rest):"
awk -F'\t' -v split_at="$log_lines_after_exe" '
  /^#/ {next}
  seen[$1 FS $5]++ {next}
  {
    kind = ($4 ~ /\.o$/) ? "compile" : ($4 ~ /\.a$/) ? "archive" : ($4 ~ /\.(gch|pch)$/) ? "pch" : "link/other"
    phase = (NR <= split_at) ? 1 : 2
    ms[kind, phase] += $2 - $1; n[kind, phase]++; kinds[kind] = 1
  }
  END {
    for (k in kinds) printf "  %-10s %4d steps %7.1f s  /  %4d steps %7.1f s\n", k, n[k, 1], ms[k, 1] / 1000, n[k, 2], ms[k, 2] / 1000
  }' "$build/.ninja_log" | sort

echo
echo "build folder: $(du -sh "$build" | cut -f1) ($(du -sb "$build" | cut -f1) bytes)"
echo "executables (bin/):"
for exe in "$build"/bin/*; do
  if [ ! -f "$exe" ] || [ ! -x "$exe" ]; then continue; fi
  printf '  %-18s %6.1f MB\n' "$(basename "$exe")" "$(awk -v b="$(stat -c %s "$exe")" 'BEGIN {print b / 1e6}')"
done
