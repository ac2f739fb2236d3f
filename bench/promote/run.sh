#!/usr/bin/env bash
# promote in a big GitOps repo: one application (api, relgate/api/<env>/) with 100 environments, 10,000 ledger entries in the promoted
# environment (plus 100 in each other one). Prints, per run, the split between time spent inside
# git processes (measured around each run_process call) and relgate's own work, and the same
# change committed by plain git (the peer: the floor any git-based promoter pays).
#   bench/promote/run.sh [BIN_DIR] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/build/bin}
runs=${2:-15}
[ -x "$bin/promote" ] && [ -x "$bin/evidence" ] || { echo "build promote and evidence first ($bin)"; exit 2; }
command -v jq >/dev/null || { echo "needs jq"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
export GIT_CONFIG_NOSYSTEM=1 HOME=$work/home
unset RELGATE_NOW # replaced by --now (every step refuses to run while it is set)
now=2026-11-17T12:00:00Z
mkdir -p "$HOME"
# Signed evidence, as promote requires by default: every record signed, the policy trusts the key.
openssl genpkey -algorithm ed25519 -out "$work/evidence-key.pem" 2>/dev/null
openssl pkey -in "$work/evidence-key.pem" -pubout -out "$work/evidence-key.pub.pem"
export RELGATE_EVIDENCE_KEY=$work/evidence-key.pem
digest() { echo "sha256:$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; }
image=ghcr.io/acme/api
app=api # the subject's last path component: promote's default --app
target=env042
# relgate's per-application layout: relgate/<app>/<env>/ and relgate/<app>/releases.json.
rd=relgate/$app

# The policy: 100 environments; the target needs evidence, an upstream, soak, approvals and
# has freeze windows, so every admission check runs. The gate records are hand-recorded
# (`evidence append`; relgate's own step names are reserved for its steps): the bench measures
# promote, not the gates.
{
  echo 'version = 1'
  echo '[clock]'; echo 'allow_pinned = true' # the bench pins the clock with --now
  echo '[evidence]'; echo "trusted_keys = [\"$work/evidence-key.pub.pem\"]"
  echo '[images]'; echo 'allowed_registries = ["ghcr.io"]'; echo 'allowed_names = ["ghcr.io/acme/*"]'
  echo '[approvals]'; echo 'approvers = ["alice", "bob"]'
  for i in $(seq -w 0 99); do
    echo "[environments.env0$i]"
    if [ "env0$i" = "$target" ]; then
      echo 'after = "env041"'; echo 'soak = "1h"'; echo 'require = ["bench-signature", "bench-scan", "bench-slo@env041"]'
      echo 'approvals = 1'
      echo "[[environments.env0$i.freeze]]"; echo 'reason = "holidays"'; echo 'start = "2026-12-21T00:00:00Z"'; echo 'end = "2027-01-04T00:00:00Z"'
      echo "[[environments.env0$i.freeze]]"; echo 'reason = "fri"'; echo 'weekdays = ["fri"]'; echo 'from = "15:00"'; echo 'timezone = "Europe/Berlin"'
    fi
  done
} >"$work/policy.toml"

repo=$work/repo
git init -q -b main "$repo"
echo "generating 100 environments and their ledgers..."
for i in $(seq -w 0 99); do
  env=env0$i
  entries=100; [ "$env" = "$target" ] && entries=10000
  mkdir -p "$repo/$rd/$env"
  awk -v n=$entries -v img=$image -v env=$env -v app=$app 'BEGIN {
    for (s = 1; s <= n; s++) {
      d = sprintf("%064x", s)
      printf("{\"seq\":%d,\"app\":\"%s\",\"action\":\"promote\",\"release\":\"rel-2026-01-01-%02d\",\"digest\":\"sha256:%s\",\"image\":\"%s\",\"weight\":100,\"evidence_sha256\":\"\",\"approvers\":[\"alice\"],\"actor\":\"bench\",\"time\":\"2026-01-01T00:00:00Z\",\"outcome\":\"stable\",\"reason\":\"\"}\n", s, app, (s % 99) + 1, d, img)
    } }' >"$repo/$rd/$env/ledger.jsonl"
  last=$(printf '%064x' $entries)
  kg_digest="sha256:$last"; since="2026-01-01T00:00:00Z"
  [ "$env" = env041 ] && since="2026-11-17T09:00:00Z"
  cat >"$repo/$rd/$env/state.json" <<JSON
{"schema":"relgate.state/v1","app":"$app","env":"$env","image":"$image","stable":{"release":"rel-2026-01-01-01","digest":"$kg_digest","since":"$since"},"canary":null,"canary_weight":0,"ledger_seq":$entries,"updated_at":"$since"}
JSON
  {
    echo '{"schema":"relgate.known-good/v1","releases":['
    if [ "$env" = env041 ]; then
      for r in $(seq 1 $runs); do echo "{\"release\":\"rel-2026-11-17-$(printf %02d "$r")\",\"digest\":\"$(digest "bench$r")\",\"since\":\"$since\"},"; done
    fi
    echo "{\"release\":\"rel-2026-01-01-01\",\"digest\":\"$kg_digest\",\"since\":\"$since\"}]}"
  } >"$repo/$rd/$env/known-good.json"
done
echo '{"schema":"relgate.releases/v1","last_release":"rel-2026-11-17-50","rejected":{}}' >"$repo/$rd/releases.json"
git -C "$repo" add -A && git -C "$repo" commit -q -m "bench repo"
git -C "$repo" gc -q
echo "repo: $(find "$repo/$rd" -name ledger.jsonl | wc -l) environments of $app, $(cat "$repo/$rd"/*/ledger.jsonl | wc -l) ledger entries ($(wc -l <"$repo/$rd/$target/ledger.jsonl") in $target)"

totals=(); gits=(); own=(); peers=()
for r in $(seq 1 "$runs"); do
  ev=$work/ev$r.json
  "$bin/evidence" init --evidence "$ev" --subject "$image@$(digest "bench$r")" >/dev/null
  "$bin/evidence" append --evidence "$ev" --step bench-signature --decision ALLOW >/dev/null
  "$bin/evidence" append --evidence "$ev" --step bench-scan --decision ALLOW >/dev/null
  "$bin/evidence" append --evidence "$ev" --step bench-slo --decision ALLOW --env env041 >/dev/null
  out=$("$bin/promote" --now "$now" --repo "$repo" --env $target --evidence "$ev" --policy "$work/policy.toml" --approved-by alice --format json)
  [ "$(jq -r .decision <<<"$out")" = ALLOW ] || { echo "promote did not ALLOW: $out"; exit 1; }
  totals+=("$(jq .summary.timing.total_ms <<<"$out")")
  gits+=("$(jq .summary.timing.git_ms <<<"$out")")
  own+=("$(jq .summary.timing.relgate_ms <<<"$out")")
  # Peer: the same kind of change done by plain git (rewrite 2 files, append 1 line, add, commit).
  start=$(date +%s%N)
  echo "{\"peer\":$r}" >"$repo/$rd/$target/state.json"
  echo "peer $r" >"$repo/$rd/$target/kustomization.yaml"
  echo "{\"seq\":$((10000 + 2 * r))}" >>"$repo/$rd/$target/ledger.jsonl"
  git -C "$repo" status --porcelain -- relgate >/dev/null
  git -C "$repo" add -- "$rd/$target"
  git -C "$repo" commit -q -m "peer $r" -- "$rd/$target"
  peers+=("$(( ($(date +%s%N) - start) / 1000 ))")
  # Put the files back in relgate's shape so the next promote sees a consistent environment.
  git -C "$repo" revert --no-edit HEAD >/dev/null
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
t=$(median "${totals[@]}"); g=$(median "${gits[@]}"); o=$(median "${own[@]}")
p=$(awk -v us="$(median "${peers[@]}")" 'BEGIN {printf "%.1f", us / 1000}')
echo
echo "promote into $target, $runs runs (medians):"
printf '  total        %8.1f ms\n' "$t"
printf '  inside git   %8.1f ms  (%s git processes per run)\n' "$g" "$(jq .summary.timing.git_processes <<<"$out")"
printf '  relgate own  %8.1f ms  (budget: 50 ms) -> %s\n' "$o" "$(awk -v o="$o" 'BEGIN {print (o < 50 ? "OK" : "OVER BUDGET")}')"
printf '  peer: plain git status+add+commit of the same files %8.1f ms\n' "$p"
awk -v o="$o" -v g="$g" -v p="$p" 'BEGIN {printf "  ratios: relgate/git-inside-promote %.2f, promote total / plain-git peer %.2f\n", o / g, (o + g) / p}'
