#!/usr/bin/env bash
# verify-signature vs `openssl dgst -sha256 -verify` on the same 1 GiB file (best of 3), and the
# median whole-process time of a small key-signature verification.
# Targets (issue 3): ratio <= 1.1x; small artifact median < 5 ms.
# Usage: bench/verify-signature/bench.sh [BUILD_DIR]   (default: build)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
BIN=$BUILD/bin/verify-signature
[ -x "$BIN" ] || { echo "build verify-signature first: $BIN not found" >&2; exit 2; }
SIZE_MIB=${RELGATE_BENCH_MIB:-1024}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export RELGATE_POLICY_DIR=$ROOT/policies

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem 2>/dev/null
openssl pkey -in key.pem -pubout -out pub.pem
echo "generating a ${SIZE_MIB} MiB artifact in $WORK ..."
head -c $((SIZE_MIB * 1024 * 1024)) /dev/urandom > big.bin
openssl dgst -sha256 -sign key.pem -out big.sig.der big.bin
base64 -w0 big.sig.der > big.sig

now_ns() { date +%s%N; }
# best_of N CMD...: prints the fastest wall time in ms (the file stays in the page cache).
best_of() {
  local n=$1; shift; local best=
  for _ in $(seq "$n"); do
    local start end
    start=$(now_ns); "$@" >/dev/null 2>&1 || { echo "command failed: $*" >&2; exit 1; }; end=$(now_ns)
    local ms=$(( (end - start) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "$best"
}
cat big.bin > /dev/null # warm the page cache for both tools alike
openssl_ms=$(best_of 3 openssl dgst -sha256 -verify pub.pem -signature big.sig.der big.bin)
ours_ms=$(best_of 3 "$BIN" --artifact big.bin --key pub.pem --signature big.sig)
ratio=$(awk -v a="$ours_ms" -v b="$openssl_ms" 'BEGIN { printf "%.3f", a / b }')
echo "${SIZE_MIB} MiB artifact, best of 3: openssl dgst -verify ${openssl_ms} ms, verify-signature ${ours_ms} ms, ratio ${ratio}x (target <= 1.1x)"

printf 'small artifact\n' > small.txt
openssl dgst -sha256 -sign key.pem small.txt > small.sig.der
base64 -w0 small.sig.der > small.sig
ours=("$BIN" --artifact small.txt --key pub.pem --signature small.sig)
peer=(openssl dgst -sha256 -verify pub.pem -signature small.sig.der small.txt)
"${ours[@]}" >/dev/null
# stats_us CMD...: "median min cpu" of 51 whole-process runs, in microseconds (cpu = user + system,
# which stays meaningful on a loaded machine). hyperfine -N (no shell) when installed; otherwise a
# bash loop, which adds fork overhead and cannot measure cpu (reported as 0).
stats_us() {
  if command -v hyperfine >/dev/null && command -v jq >/dev/null; then
    hyperfine -N --warmup 5 --runs 51 --export-json hf.json "$(printf '%q ' "$@")" >/dev/null 2>&1
    jq -r '.results[0] | "\(.median * 1e6 | floor) \(.min * 1e6 | floor) \((.user + .system) * 1e6 | floor)"' hf.json
  else
    local times=()
    for _ in $(seq 51); do
      local start end
      start=$(now_ns); "$@" >/dev/null; end=$(now_ns)
      times+=($(( (end - start) / 1000 )))
    done
    local sorted
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    echo "$(sed -n 26p <<<"$sorted") $(sed -n 1p <<<"$sorted") 0"
  fi
}
read -r ours_med ours_min ours_cpu < <(stats_us "${ours[@]}")
read -r peer_med peer_min peer_cpu < <(stats_us "${peer[@]}")
awk -v om="$ours_med" -v on="$ours_min" -v oc="$ours_cpu" -v pm="$peer_med" -v pn="$peer_min" -v pc="$peer_cpu" 'BEGIN {
  printf "small artifact, 51 whole-process runs: verify-signature median %.2f ms (target < 5 ms), min %.2f ms, cpu %.2f ms\n", om / 1000, on / 1000, oc / 1000
  printf "                                       openssl dgst -verify median %.2f ms, min %.2f ms, cpu %.2f ms; median ratio %.2fx\n", pm / 1000, pn / 1000, pc / 1000, om / pm }'
