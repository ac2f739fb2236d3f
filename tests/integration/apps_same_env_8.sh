# Issue 14: promotions of the same application and environment still serialise. 8 `promote --push`
# processes, each with its own release of app "api", race into prod, stage by stage (10%, 50%,
# 100%): exactly one winner per stage, the seven others refused (exit 1) after re-checking against
# the winner's commit, with the conflict named; the state is the winner's after every stage.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/cli/promote/gitops_fixture.bash"
command -v git >/dev/null || skip "git not installed"
command -v jq >/dev/null || skip "jq not installed"

N=8
printf 'version = 1\n%s\n' "$EVIDENCE_SECTION" >"$TMP/policy.toml"
cat >>"$TMP/policy.toml" <<'TOML'
[push]
max_attempts = 64
[environments.prod]
stages = ["10%", "50%", "100%"]
TOML
new_gitops_remote "$TMP/remote.git"
for i in $(seq 1 $N); do
  clone_of "$TMP/remote.git" "$TMP/clone$i"
  # Each canary stage needs the stage before it healthy: slo-check ALLOW at prod 10% and 50%.
  new_evidence "$TMP/ev$i.json" "api-v$i" "slo-check:ALLOW:prod:10" "slo-check:ALLOW:prod:50" || fail "evidence $i"
done

git clone -q "$TMP/remote.git" "$TMP/check"
S=$TMP/check/relgate/api/prod/state.json
winner=""
for stage in 10 50 100; do
  for i in $(seq 1 $N); do
    promote --env prod --app api --stage "$stage" --repo "$TMP/clone$i" --evidence "$TMP/ev$i.json" \
      --policy "$TMP/policy.toml" --push >"$TMP/out$stage-$i.txt" 2>&1 &
    pids[$i]=$!
  done
  won=(); refused=0
  for i in $(seq 1 $N); do
    wait "${pids[$i]}"; rc=$?
    if [ "$rc" = 0 ]; then
      won+=("$i")
    elif [ "$rc" = 1 ] && grep -q "conflict: prod already runs canary" "$TMP/out$stage-$i.txt"; then
      refused=$((refused + 1))
    else
      fail "stage $stage, process $i: exit $rc (expected 0, or 1 naming the conflict): $(cat "$TMP/out$stage-$i.txt")"
    fi
  done
  expect_eq "${#won[@]} $refused" "1 $((N - 1))" "stage $stage: one winner, $((N - 1)) refused with the conflict named"
  # At 10% all eight planned on the same head: the losers lost the push race and re-checked.
  rechecked=$(grep -l "after the remote moved (re-checked on the new head): canary-stage: conflict" "$TMP"/out$stage-*.txt | wc -l)
  echo "stage $stage: winner process ${won[0]:-none}, $refused refused ($rechecked of them after losing the push race)"
  [ "$stage" != 10 ] || [ "$rechecked" -ge 1 ] || fail "stage 10: no loser re-checked after a lost push race"
  [ "${#won[@]}" = 1 ] || break
  if [ -z "$winner" ]; then
    winner=${won[0]}
  else
    expect_eq "${won[0]}" "$winner" "stage $stage: only the release already in canary moves on"
  fi
  git -C "$TMP/check" pull -q
  d=$(digest_of "api-v$winner")
  if [ "$stage" = 100 ]; then
    expect_eq "$(jq -r '[.stable.digest, .canary, .canary_weight] | map(tostring) | join(" ")' "$S")" "$d null 0" \
      "100%: the winner is stable, no canary"
  else
    expect_eq "$(jq -r '.canary.digest + " " + (.canary_weight | tostring)' "$S")" "$d $stage" \
      "stage $stage: the state is the winner's canary at $stage%"
  fi
  expect_eq "$(wc -l <"$TMP/check/relgate/api/prod/ledger.jsonl" | tr -d ' ')" \
    "$(case $stage in 10) echo 1 ;; 50) echo 2 ;; 100) echo 3 ;; esac)" "stage $stage: one ledger line per winner"
  for i in $(seq 1 $N); do
    expect_eq "$(git -C "$TMP/clone$i" status --porcelain)" "" "stage $stage: clone $i left clean"
  done
done
expect_eq "$(jq -r .digest "$TMP/check/relgate/api/prod/ledger.jsonl" | sort -u)" "$(digest_of "api-v$winner")" \
  "every prod ledger line is the winner's release"
expect_eq "$(git -C "$TMP/check" rev-list --merges --count HEAD)" "0" "linear history"
finish
