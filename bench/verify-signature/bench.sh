#!/usr/bin/env bash
# verify-signature against its peers, each measured in the same run:
#  1. 1 GiB artifact vs `openssl dgst -sha256 -verify` (best of 3)      target (issue 3): <= 1.1x
#  2. small artifact, key-based, whole process vs `openssl dgst -verify` target (issue 3): median < 5 ms
#  3. keyless Sigstore bundle (conformance happy-path-v0.3, public-good trusted root) vs the
#     key-based small artifact, CPU (user+sys) per process, median       target (issue 13): <= 1.5x
#     with the floor OpenSSL sets: the signatures (`openssl speed`) and certificate decodes
#     (d2i_probe.c, built here with cc) every keyless verification needs
#  4. the same keyless bundle with sigstore-js 4.1 (@sigstore/verify 3.1.1, pinned in js/), wall
#     time per process, median                                          target (issue 13): >= 30x
# Sections 3 and 4 need the third-party corpus (RELGATE_CORPUS, default ../shared/corpus) and
# python3; section 4 needs node and npm (installs js/ with npm ci once). Each says why it skips.
# Usage: bench/verify-signature/bench.sh [BUILD_DIR]   (default: build)
#   RELGATE_BENCH_MIB=N    artifact size of section 1 (default 1024)
#   RELGATE_BENCH_RUNS=N   processes per command in sections 3 and 4 (default 51; node: a third)
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
# Measure the executable as installed (cp, tar, dpkg write it in large blocks), not the linker's
# output file: ld writes in small pieces, and on this kernel (6.18, ext4 large folios) an
# executable whose page-cache pages were written 4 KiB at a time costs about 0.35 ms more CPU
# per run to map (same bytes: `dd bs=4k` copy 5.32 ms, `cp` copy 4.97 ms, ld's file 5.46 ms,
# keyless median of 151 interleaved runs). The peers are installed files too.
cp "$BIN" "$WORK/verify-signature"
BIN=$WORK/verify-signature

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

# 3. Keyless vs key-based, CPU per process. Both verify a small artifact; the keyless one also
# checks the certificate chain, SCT, signed entry timestamp, inclusion proof and checkpoint.
CORPUS=$(cd "${RELGATE_CORPUS:-$ROOT/../shared/corpus}" 2>/dev/null && pwd || echo "${RELGATE_CORPUS:-$ROOT/../shared/corpus}")
CASE=$CORPUS/sigstore-conformance/bundle-verify/happy-path-v0.3
TRUSTED_ROOT=$CORPUS/trusted-roots/public-good.json
IDENTITY=https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main
ISSUER=https://token.actions.githubusercontent.com
RUNS=${RELGATE_BENCH_RUNS:-51}
STATS=$ROOT/bench/verify-signature/process_stats.py
if [ ! -f "$CASE/bundle.sigstore.json" ] || [ ! -f "$TRUSTED_ROOT" ]; then
  echo "keyless: skipped (no conformance case at $CASE or trusted root at $TRUSTED_ROOT; set RELGATE_CORPUS)"
  exit 0
fi
if ! command -v python3 >/dev/null; then
  echo "keyless: skipped (python3 not installed; it measures per-process CPU with wait4)"
  exit 0
fi
ARTIFACT=$CORPUS/sigstore-conformance/bundle-verify/a.txt
keyless=("$BIN" --artifact "$ARTIFACT" --bundle "$CASE/bundle.sigstore.json" --trusted-root "$TRUSTED_ROOT"
         --certificate-identity "$IDENTITY" --certificate-oidc-issuer "$ISSUER")
"${keyless[@]}" >/dev/null || { echo "keyless verification failed: ${keyless[*]}" >&2; exit 1; }
# The floor beside them, in the same interleaved runs: an executable that does nothing (true)
# and verify-signature --version (start-up and exit of this binary, no OpenSSL work).
read -r _ key_cpu key_cpu_min key_wall _ _ keyless_cpu keyless_cpu_min keyless_wall _ _ version_cpu _ _ _ _ true_cpu _ _ _ < <(
  python3 "$STATS" "$RUNS" 5 key "$(printf '%q ' "${ours[@]}")" keyless "$(printf '%q ' "${keyless[@]}")" \
    version "$(printf '%q ' "$BIN" --version)" true true | tr '\n' ' '; echo)
awk -v kc="$key_cpu" -v kn="$key_cpu_min" -v lc="$keyless_cpu" -v ln="$keyless_cpu_min" -v r="$RUNS" -v vc="$version_cpu" -v tc="$true_cpu" 'BEGIN {
  printf "keyless bundle vs key-based, %d interleaved runs each, CPU (user+sys) per process: key median %.2f ms (min %.2f), keyless median %.2f ms (min %.2f); keyless/key %.2fx (target <= 1.5x)\n", r, kc, kn, lc, ln, lc / kc
  printf "  floor in the same runs, CPU median: verify-signature --version %.2f ms, true(1) %.2f ms\n", vc, tc }'
# What keyless verification cannot avoid on this machine's OpenSSL, on top of the key-based run:
# the leaf certificate's signature by the CA's first listed certificate (P-384 for public-good;
# the certificates listed above it are trusted as listed, not re-verified: docs/verify-signature.md),
# three P-256 signatures (SCT, signed entry timestamp, checkpoint; the artifact's is P-256 in both
# paths), and d2i_X509 of the leaf and of each certificate the CA lists (OpenSSL 3.0 decodes each
# one's key through its decoder framework). Signatures priced by `openssl speed`, certificates by
# d2i_probe.c, both in this run: their sum is the lowest keyless/key any code on this OpenSSL reaches.
read -r leaf_curve certificates < <(python3 - "$CASE/bundle.sigstore.json" "$TRUSTED_ROOT" "$WORK" <<'PY'
import base64, json, subprocess, sys
def text(der):
    return subprocess.run(["openssl", "x509", "-inform", "DER", "-noout", "-text"], input=der,
                          capture_output=True, check=True).stdout.decode()
def field(cert_text, name):
    return next(line.split(":", 1)[1].strip() for line in cert_text.splitlines() if line.strip().startswith(name + ":"))
bundle, root = (json.load(open(path)) for path in sys.argv[1:3])
leaf = base64.b64decode(bundle["verificationMaterial"]["certificate"]["rawBytes"])
for authority in root["certificateAuthorities"]:
    chain = [base64.b64decode(c["rawBytes"]) for c in authority["certChain"]["certificates"]]
    if field(text(chain[0]), "Subject") == field(text(leaf), "Issuer"):
        for i, der in enumerate([leaf] + chain):
            open(f"{sys.argv[3]}/cert{i}.der", "wb").write(der)
        curve = "p384" if "P-384" in text(chain[0]) else "p256"
        print(curve, 1 + len(chain))
        break
PY
)
speed=$(openssl speed -seconds 1 ecdsap256 ecdsap384 2>/dev/null)
p256_ms=$(awk '/nistp256\)/ { print 1000 / $NF }' <<<"$speed")
leaf_ms=$(awk -v c="nist${leaf_curve:-p256})" 'index($0, c) { print 1000 / $NF }' <<<"$speed")
d2i_us=
if cc -O2 -o "$WORK/d2i_probe" "$ROOT/bench/verify-signature/d2i_probe.c" -lcrypto 2>/dev/null; then
  d2i_us=$("$WORK/d2i_probe" 2000 "$WORK"/cert*.der)
fi
awk -v kc="$key_cpu" -v l="$leaf_ms" -v lc="${leaf_curve:-?}" -v b="$p256_ms" -v n="${certificates:-0}" -v d="${d2i_us:-0}" -v ssl="$(openssl version | cut -d' ' -f1-2)" 'BEGIN {
  floor = kc + l + 3 * b + n * d / 1000
  printf "  floor on %s, same run: key-based median + leaf %s verify %.2f ms + 3 P-256 %.3f ms + %d x d2i_X509 %s = %.2f ms, keyless/key >= %.2fx\n", ssl, toupper(lc), l, b, n, (d > 0 ? sprintf("%.0f us", d) : "(not measured: no cc)"), floor, floor / kc }'
# 4. sigstore-js 4.1 on the same bundle, trusted root, artifact and identity: wall per process.
JS=$ROOT/bench/verify-signature/js
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "sigstore-js: skipped (node and npm are needed: apt-get install nodejs npm)"
  exit 0
fi
if [ ! -d "$JS/node_modules/@sigstore/verify" ]; then
  (cd "$JS" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null 2>&1) || {
    echo "sigstore-js: skipped (npm ci in $JS failed; is the npm registry reachable?)"
    exit 0
  }
fi
peer_js=(node "$JS/verify.js" "$CASE/bundle.sigstore.json" "$TRUSTED_ROOT" "$ARTIFACT" "$IDENTITY" "$ISSUER")
"${peer_js[@]}" >/dev/null || { echo "sigstore-js verification failed: ${peer_js[*]}" >&2; exit 1; }
JS_RUNS=$(( (RUNS + 2) / 3 ))
read -r _ ours_cpu _ ours_wall ours_wall_min _ js_cpu _ js_wall js_wall_min < <(
  python3 "$STATS" "$JS_RUNS" 2 keyless "$(printf '%q ' "${keyless[@]}")" sigstore-js "$(printf '%q ' "${peer_js[@]}")" | tr '\n' ' '; echo)
# Wall is the goal's measure; under load it mostly measures the scheduler, so CPU is printed too.
awk -v ow="$ours_wall" -v on="$ours_wall_min" -v jw="$js_wall" -v jn="$js_wall_min" -v oc="$ours_cpu" -v jc="$js_cpu" -v r="$JS_RUNS" 'BEGIN {
  printf "keyless bundle vs sigstore-js 4.1, %d interleaved runs each, wall per process: verify-signature median %.2f ms (min %.2f), sigstore-js median %.1f ms (min %.1f); %.1fx faster (target >= 30x); CPU median %.2f vs %.1f ms, %.1fx\n", r, ow, on, jw, jn, jw / ow, oc, jc, jc / oc }'
