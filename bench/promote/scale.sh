#!/usr/bin/env bash
# promote at monorepo scale (issue 14): one GitOps repository with 200 applications x 3
# environments (pre-populated: state, Component, known-good, a 50-line ledger each, a releases
# index per application), a bare remote on disk, and 50 concurrent `promote --push` runs for 50
# different applications into dev. Prints, for the slowest and the median promotion: wall time,
# time slept in backoff (summary.push.wait_ms) and retries (summary.push.conflicts). The peer, in
# the same run: the same 50 commits (taken from promote's own pushes) pushed from 50 clones by plain
# git retry loops (`until git push; do git fetch; git rebase; done`, no backoff) against a fresh
# copy of the same remote. Prints the ratios.
#   bench/promote/scale.sh [BIN_DIR] [APPS] [CONCURRENT]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$root/build/bin}
apps=${2:-200}
concurrent=${3:-50}
[ -x "$bin/promote" ] && [ -x "$bin/evidence" ] || { echo "build promote and evidence first ($bin)"; exit 2; }
[[ $("$bin/promote" --help 2>&1) == *"--app NAME"* ]] || { echo "$bin/promote has no --app (issue 14)"; exit 2; }
command -v jq >/dev/null || { echo "needs jq"; exit 2; }
[ "$concurrent" -le "$apps" ] || { echo "CONCURRENT ($concurrent) must not exceed APPS ($apps)"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid
export GIT_CONFIG_NOSYSTEM=1 HOME=$work/home GIT_CEILING_DIRECTORIES=$work
unset RELGATE_NOW
mkdir -p "$HOME"
git config --global init.defaultBranch main
openssl genpkey -algorithm ed25519 -out "$work/evidence-key.pem" 2>/dev/null
openssl pkey -in "$work/evidence-key.pem" -pubout -out "$work/evidence-key.pub.pem"
export RELGATE_EVIDENCE_KEY=$work/evidence-key.pem
digest() { echo "sha256:$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)"; }
app_name() { printf 'app%03d' "$1"; }
envs=(dev staging prod)

cat >"$work/policy.toml" <<TOML
version = 1
[evidence]
trusted_keys = ["$work/evidence-key.pub.pem"]
[images]
allowed_registries = ["ghcr.io"]
allowed_names = ["ghcr.io/acme/*"]
[push]
max_attempts = 64
[environments.dev]
[environments.staging]
after = "dev"
[environments.prod]
after = "staging"
stages = ["10%", "100%"]
TOML

# The repository: every application already runs rel-2026-01-01-01 everywhere, with history.
seed=$work/seed
git init -q "$seed"
echo "generating $apps applications x ${#envs[@]} environments..."
for a in $(seq 1 "$apps"); do
  app=$(app_name "$a")
  image=ghcr.io/acme/$app
  old=$(digest "$app-old")
  for env in "${envs[@]}"; do
    dir=$seed/relgate/$app/$env
    mkdir -p "$dir"
    awk -v n=50 -v app="$app" -v img="$image" -v d="$old" 'BEGIN {
      for (s = 1; s <= n; s++)
        printf("{\"seq\":%d,\"app\":\"%s\",\"action\":\"promote\",\"release\":\"rel-2026-01-01-01\",\"digest\":\"%s\",\"image\":\"%s\",\"weight\":100,\"evidence_sha256\":\"\",\"approvers\":[],\"actor\":\"bench\",\"time\":\"2026-01-01T00:00:00Z\",\"outcome\":\"stable\",\"reason\":\"\"}\n", s, app, d, img)
    }' >"$dir/ledger.jsonl"
    printf '{"schema":"relgate.state/v1","app":"%s","env":"%s","image":"%s","stable":{"release":"rel-2026-01-01-01","digest":"%s","since":"2026-01-01T00:00:00Z"},"canary":null,"canary_weight":0,"ledger_seq":50,"updated_at":"2026-01-01T00:00:00Z"}\n' \
      "$app" "$env" "$image" "$old" >"$dir/state.json"
    printf '{"schema":"relgate.known-good/v1","releases":[{"release":"rel-2026-01-01-01","digest":"%s","since":"2026-01-01T00:00:00Z"}]}\n' \
      "$old" >"$dir/known-good.json"
    printf 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n  - name: %s\n    digest: %s\n' \
      "$image" "$old" >"$dir/kustomization.yaml"
  done
  printf '{"schema":"relgate.releases/v1","last_release":"rel-2026-01-01-01","rejected":{}}\n' >"$seed/relgate/$app/releases.json"
done
git -C "$seed" add -A && git -C "$seed" commit -q -m "bench: $apps applications"
git init -q --bare "$work/remote.git"
git -C "$seed" push -q "$work/remote.git" HEAD:refs/heads/main
cp -a "$work/remote.git" "$work/pristine.git" # the peer starts from the same remote
echo "repo: $(git -C "$seed" ls-files | wc -l) files, $(find "$seed/relgate" -name ledger.jsonl | wc -l) ledgers"

# One clone and one evidence file per promoted application (not timed).
for a in $(seq 1 "$concurrent"); do
  app=$(app_name "$a")
  git clone -q "$work/remote.git" "$work/clone$a"
  "$bin/evidence" init --evidence "$work/ev$a.json" --subject "ghcr.io/acme/$app@$(digest "$app-new")" >/dev/null
done

ms_now() { echo $(($(date +%s%N) / 1000000)); }
echo "promote: $concurrent concurrent --push runs, one application each..."
for a in $(seq 1 "$concurrent"); do
  (
    start=$(ms_now)
    rc=0
    "$bin/promote" --repo "$work/clone$a" --env dev --evidence "$work/ev$a.json" --policy "$work/policy.toml" \
      --push --format json >"$work/out$a.json" 2>"$work/err$a.txt" || rc=$?
    echo "$rc $(($(ms_now) - start))" >"$work/time$a"
  ) &
done
wait
for a in $(seq 1 "$concurrent"); do
  read -r rc ms <"$work/time$a"
  [ "$rc" = 0 ] || { echo "promote $(app_name "$a") exited $rc: $(cat "$work/err$a.txt")"; exit 1; }
  jq -r --arg ms "$ms" '[$ms, .summary.push.wait_ms, .summary.push.conflicts] | join(" ")' "$work/out$a.json"
done >"$work/promote.txt"
landed=$(git -C "$work/remote.git" rev-list --count main)
[ "$landed" = $((concurrent + 1)) ] || { echo "expected $((concurrent + 1)) commits on the remote, found $landed"; exit 1; }

# Peer: the same commits, pushed by plain git retry loops from clones of the pristine remote.
for a in $(seq 1 "$concurrent"); do
  app=$(app_name "$a")
  commit=$(git -C "$work/remote.git" log --format=%H -1 main -- "relgate/$app")
  git clone -q "$work/pristine.git" "$work/peer$a"
  git -C "$work/peer$a" fetch -q "$work/remote.git" "$commit"
  git -C "$work/peer$a" cherry-pick --allow-empty -x FETCH_HEAD >/dev/null
done
echo "peer: $concurrent concurrent plain git fetch+rebase+push loops of the same commits..."
for a in $(seq 1 "$concurrent"); do
  (
    cd "$work/peer$a"
    start=$(ms_now)
    retries=0
    until git push -q origin HEAD:main 2>/dev/null; do
      retries=$((retries + 1))
      [ "$retries" -lt 500 ] || { echo "fail 0 0" >"$work/peer-time$a"; exit 1; }
      git fetch -q origin && git rebase -q origin/main >/dev/null 2>&1 || true
    done
    echo "$(($(ms_now) - start)) 0 $retries" >"$work/peer-time$a"
  ) &
done
wait
cat "$work"/peer-time* >"$work/peer.txt"
grep -q '^fail' "$work/peer.txt" && { echo "a plain git loop gave up after 500 retries"; exit 1; }
[ "$(git -C "$work/pristine.git" rev-list --count main)" = $((concurrent + 1)) ] || { echo "peer: commits missing"; exit 1; }

# column N of a file of "ms wait retries" lines: median and the slowest row (by wall time).
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
slowest() { sort -g -k1,1 "$1" | tail -1; }
read -r p_ms p_wait p_retries <<<"$(slowest "$work/promote.txt")"
read -r g_ms _ g_retries <<<"$(slowest "$work/peer.txt")"
p_med=$(cut -d' ' -f1 "$work/promote.txt" | median); g_med=$(cut -d' ' -f1 "$work/peer.txt" | median)
p_med_retries=$(cut -d' ' -f3 "$work/promote.txt" | median); g_med_retries=$(cut -d' ' -f3 "$work/peer.txt" | median)
p_med_wait=$(cut -d' ' -f2 "$work/promote.txt" | median)
p_total=$(awk '{s+=$3} END {print s}' "$work/promote.txt"); g_total=$(awk '{s+=$3} END {print s}' "$work/peer.txt")
echo
echo "$apps applications x ${#envs[@]} environments, $concurrent concurrent promotions of different applications (load $(cut -d' ' -f1 /proc/loadavg)):"
printf '                       %12s %12s %10s %14s\n' "wall ms" "backoff ms" "retries" "all retries"
printf '  promote  slowest      %12s %12s %10s %14s\n' "$p_ms" "$p_wait" "$p_retries" "$p_total"
printf '           median       %12s %12s %10s\n' "$p_med" "$p_med_wait" "$p_med_retries"
printf '  git loop slowest      %12s %12s %10s %14s\n' "$g_ms" "-" "$g_retries" "$g_total"
printf '           median       %12s %12s %10s\n' "$g_med" "-" "$g_med_retries"
awk -v a="$p_ms" -v b="$g_ms" -v c="$p_med" -v d="$g_med" \
  'BEGIN {printf "  ratios promote / plain git: slowest %.2f, median %.2f\n", a / b, c / d}'
