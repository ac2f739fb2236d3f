# Issue 14, many services in one GitOps repository: 32 `promote --push` processes for 32 different
# applications race into one bare remote on disk. Every promotion lands (different applications
# touch disjoint files: a lost race is a fetch, a re-plan of that application and a push), nothing
# is lost, each application's ledger is complete, each application gets exactly one commit, the
# remote history stays linear, and the retries are reported in the JSON summary.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/cli/promote/gitops_fixture.bash"
command -v git >/dev/null || skip "git not installed"
command -v jq >/dev/null || skip "jq not installed"

N=32
printf 'version = 1\n%s\n' "$EVIDENCE_SECTION" >"$TMP/policy.toml"
cat >>"$TMP/policy.toml" <<'TOML'
[images]
allowed_registries = ["ghcr.io"]
allowed_names = ["ghcr.io/acme/*"]
[push]
max_attempts = 64
[environments.staging]
TOML
new_gitops_remote "$TMP/remote.git"
app_name() { printf 'svc%02d' "$1"; }
for i in $(seq 1 $N); do
  clone_of "$TMP/remote.git" "$TMP/clone$i"
  # Each application's own image: ghcr.io/acme/svcNN, so the default --app is svcNN.
  IMAGE=ghcr.io/acme/$(app_name "$i") new_evidence "$TMP/ev$i.json" "$(app_name "$i")-v1" || fail "evidence $i"
  digests[$i]=$(digest_of "$(app_name "$i")-v1")
done

# Half name the application, half rely on the default (the subject's last path component).
start=$(date +%s%N)
for i in $(seq 1 $N); do
  app=()
  [ $((i % 2)) = 0 ] && app=(--app "$(app_name "$i")")
  promote --env staging "${app[@]}" --repo "$TMP/clone$i" --evidence "$TMP/ev$i.json" --policy "$TMP/policy.toml" \
    --push --format json >"$TMP/out$i.json" 2>"$TMP/err$i.txt" &
  pids[$i]=$!
done
for i in $(seq 1 $N); do
  wait "${pids[$i]}"; rc=$?
  [ "$rc" = 0 ] || fail "$(app_name "$i"): exit $rc: $(cat "$TMP/err$i.txt")"
done
elapsed_ms=$((($(date +%s%N) - start) / 1000000))

# One jq over every summary: "<decision> <pushed> <app> <attempts> <conflicts> <wait_ms> <consistent>".
# push: {attempts, conflicts, wait_ms}; every attempt but the last lost a race.
summaries=$(for i in $(seq 1 $N); do cat "$TMP/out$i.json"; echo; done | jq -r '
  [.decision, (.summary.pushed | tostring), .summary.app, (.summary.push | .attempts, .conflicts, .wait_ms | tostring),
   (.summary.push | (.attempts | type == "number" and . >= 1) and (.conflicts | type == "number" and . >= 0)
     and (.wait_ms | type == "number" and . >= 0) and .attempts == .conflicts + 1 | tostring)] | join(" ")')
conflicts=0; slowest_wait=0; most_attempts=0; i=0
while read -r decision pushed app a c w consistent; do
  i=$((i + 1))
  expect_eq "$decision $pushed $app" "ALLOW true $(app_name "$i")" "$(app_name "$i") allowed, pushed, app in the summary"
  expect_eq "$consistent" "true" "$(app_name "$i"): push summary {attempts, conflicts, wait_ms} = {$a, $c, $w}"
  conflicts=$((conflicts + c))
  [ "$w" -gt "$slowest_wait" ] && slowest_wait=$w
  [ "$a" -gt "$most_attempts" ] && most_attempts=$a
done <<<"$summaries"
expect_eq "$i" "$N" "one summary per process"
echo "$N applications landed in ${elapsed_ms} ms; conflicts retried: $conflicts; most attempts: $most_attempts; longest backoff wait: ${slowest_wait} ms"
[ "$conflicts" -gt 0 ] || fail "32 simultaneous pushers into one branch raced at least once (the retries must be reported)"

git clone -q "$TMP/remote.git" "$TMP/check"
C=$TMP/check
expect_eq "$(git -C "$C" rev-list --count HEAD)" "$((N + 1))" "the initial commit plus one commit per application"
expect_eq "$(git -C "$C" rev-list --merges --count HEAD)" "0" "linear history: no merge commit"
expect_eq "$(git -C "$C" rev-list --count --min-parents=2 --all)" "0" "no merge on any ref"
# Per application, from one jq and one git log over the whole repository (32 x 5 processes
# would cost more than the assertions are worth on a loaded machine).
ledgers=$(cd "$C" && jq -rc '[input_filename, .seq, .action, .app, .digest, .weight] | map(tostring) | join(" ")' \
  relgate/*/staging/ledger.jsonl)
states=$(cd "$C" && jq -r '[input_filename, .stable.digest, (.ledger_seq | tostring)] | join(" ")' relgate/*/staging/state.json)
# "<commit> <app folder>" for every file each commit touched under relgate/.
touched=$(git -C "$C" log --format='@%h' --name-only -- relgate | awk '/^@/ {c = substr($0, 2); next}
  /^relgate\// {split($0, p, "/"); print c, p[2]}' | sort -u)
declare -A ledger_of state_of commits_of files_of
while read -r file rest; do ledger_of[$file]=$rest; done <<<"$ledgers"
while read -r file rest; do state_of[$file]=$rest; done <<<"$states"
while read -r commit app; do
  commits_of[$app]+="$commit "
  files_of[$commit]+="$app "
done <<<"$touched"
for i in $(seq 1 $N); do
  app=$(app_name "$i")
  d=${digests[$i]}
  expect_eq "${ledger_of[relgate/$app/staging/ledger.jsonl]:-}" "1 promote $app $d 100" \
    "$app: ledger complete (one promote line of its own digest; a missing line is a lost update)"
  expect_eq "${state_of[relgate/$app/staging/state.json]:-}" "$d 1" "$app: state holds its own digest"
  commit=${commits_of[$app]:-}
  expect_eq "${commit// /}" "${commit%% *}" "$app: exactly one commit touches relgate/$app (got: $commit)"
  expect_eq "${files_of[${commit%% *}]:-}" "$app " "$app: its commit touches no other application"
done
grep -q "$(digest_of svc01-v1)" "$C/relgate/svc01/staging/kustomization.yaml" || fail "svc01: the Component pins its digest"
expect_eq "$(find "$C/relgate" -mindepth 1 -maxdepth 1 -type d | wc -l | tr -d ' ')" "$N" "one folder per application"
dirty=$(for i in $(seq 1 $N); do git -C "$TMP/clone$i" status --porcelain; done)
expect_eq "$dirty" "" "every clone left clean"
finish
