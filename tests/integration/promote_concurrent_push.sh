# 8 promote --push processes race against one bare remote on disk. Every promotion lands (after
# fetch / re-check / retry) or fails with a clear conflict reason; none is lost; the ledger has
# no duplicates and follows commit order. Then 4 racing prod canaries: one wins, three are refused.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/cli/promote/gitops_fixture.bash"
command -v git >/dev/null || skip "git not installed"

# Signed evidence (the fixture's RELGATE_EVIDENCE_KEY) checked against its public key; the
# fixture's promote() pins the clock with --now.
printf 'version = 1\n%s\n' "$EVIDENCE_SECTION" >"$TMP/policy.toml"
cat >>"$TMP/policy.toml" <<'TOML'
[push]
max_attempts = 40
[environments.staging]
[environments.prod]
after = "staging"
stages = ["10%", "100%"]
TOML
new_gitops_remote "$TMP/remote.git"
N=8
for i in $(seq 1 $N); do
  clone_of "$TMP/remote.git" "$TMP/clone$i"
  new_evidence "$TMP/ev$i.json" "v$i"
done
for i in $(seq 1 $N); do
  promote --env staging --repo "$TMP/clone$i" --evidence "$TMP/ev$i.json" --policy "$TMP/policy.toml" --push \
    --format json >"$TMP/out$i.json" 2>"$TMP/err$i.txt" &
  pids[$i]=$!
done
landed=0
for i in $(seq 1 $N); do
  wait "${pids[$i]}"; rc=$?
  if [ "$rc" = 0 ]; then
    landed=$((landed + 1))
    expect_eq "$(jq -r .summary.pushed "$TMP/out$i.json")" "true" "process $i pushed"
  elif [ "$rc" = 2 ]; then
    expect_contains "$(cat "$TMP/err$i.txt")" "conflict:" "process $i failed with a conflict reason"
  else
    fail "process $i: exit $rc: $(cat "$TMP/err$i.txt")"
  fi
done
echo "landed $landed of $N; conflicts retried: $(jq -s 'map(.summary.push_conflicts // 0) | add' "$TMP"/out*.json)"
expect_eq "$landed" "$N" "with enough attempts every promotion lands"

git clone -q "$TMP/remote.git" "$TMP/check"
L=$TMP/check/relgate/api/staging/ledger.jsonl
expect_eq "$(wc -l <"$L" | tr -d ' ')" "$landed" "one ledger line per landed promotion"
expect_eq "$(jq -r .seq "$L" | tr '\n' ' ')" "$(seq 1 "$landed" | tr '\n' ' ')" "seq 1..N, no gaps or duplicates"
expect_eq "$(jq -r .digest "$L" | sort -u | wc -l | tr -d ' ')" "$landed" "no duplicate digests"
expect_eq "$(jq -r .release "$L" | sort -u | wc -l | tr -d ' ')" "$landed" "unique release ids"
# Commit order == ledger order (each commit's Relgate-Digest trailer, oldest first).
commits=$(git -C "$TMP/check" log --reverse --format='%(trailers:key=Relgate-Digest,valueonly)' | grep -v '^$' | tr '\n' ' ')
expect_eq "$commits" "$(jq -r .digest "$L" | tr '\n' ' ')" "ledger in commit order"
expect_eq "$(jq -r .stable.digest "$TMP/check/relgate/api/staging/state.json")" "$(tail -1 "$L" | jq -r .digest)" "state = newest ledger entry"
expect_eq "$(jq -r .ledger_seq "$TMP/check/relgate/api/staging/state.json")" "$landed" "state seq"

# 4 prod canaries race: exactly one lands; the others are refused after re-checking the new head.
for i in 1 2 3 4; do
  promote --env prod --repo "$TMP/clone$i" --evidence "$TMP/ev$i.json" --policy "$TMP/policy.toml" --push \
    >"$TMP/prod$i.txt" 2>&1 &
  pids[$i]=$!
done
won=0; refused=0
for i in 1 2 3 4; do
  wait "${pids[$i]}"; rc=$?
  if [ "$rc" = 0 ]; then won=$((won + 1));
  elif [ "$rc" = 1 ] && grep -q "canary-stage: conflict: prod already runs canary" "$TMP/prod$i.txt"; then refused=$((refused + 1));
  else fail "prod process $i: exit $rc: $(cat "$TMP/prod$i.txt")"; fi
done
expect_eq "$won $refused" "1 3" "one canary wins, three refused with the conflict named"
git -C "$TMP/check" pull -q
expect_eq "$(wc -l <"$TMP/check/relgate/api/prod/ledger.jsonl" | tr -d ' ')" "1" "one prod ledger line"
for i in 1 2 3 4; do
  expect_eq "$(git -C "$TMP/clone$i" status --porcelain)" "" "clone $i left clean"
done

# A single push attempt: the losers fail closed with a conflict reason and lose nothing.
sed 's/max_attempts = 40/max_attempts = 1/; s/\[environments.staging\]/[environments.staging]\n[environments.qa]/' \
  "$TMP/policy.toml" >"$TMP/one-attempt.toml"
for i in $(seq 1 $N); do
  promote --env qa --repo "$TMP/clone$i" --evidence "$TMP/ev$i.json" --policy "$TMP/one-attempt.toml" --push \
    >/dev/null 2>"$TMP/qa$i.txt" &
  pids[$i]=$!
done
landed=0; conflicts=0
for i in $(seq 1 $N); do
  wait "${pids[$i]}"; rc=$?
  if [ "$rc" = 0 ]; then landed=$((landed + 1));
  elif [ "$rc" = 2 ] && grep -q "conflict: the push to origin/main was refused 1 times" "$TMP/qa$i.txt"; then conflicts=$((conflicts + 1));
  else fail "qa process $i: exit $rc: $(cat "$TMP/qa$i.txt")"; fi
  expect_eq "$(git -C "$TMP/clone$i" status --porcelain)" "" "qa clone $i left clean"
  expect_eq "$(git -C "$TMP/clone$i" rev-list --count "origin/main..HEAD")" "0" "qa clone $i holds no unpushed commit"
done
echo "one attempt each: $landed landed, $conflicts refused with a conflict"
expect_eq "$((landed + conflicts))" "$N" "every process landed or named the conflict"
[ "$landed" -ge 1 ] || fail "at least one promotion lands"
git -C "$TMP/check" pull -q
expect_eq "$(wc -l <"$TMP/check/relgate/api/qa/ledger.jsonl" | tr -d ' ')" "$landed" "qa ledger = landed promotions"
expect_eq "$(jq -r .seq "$TMP/check/relgate/api/qa/ledger.jsonl" | tr '\n' ' ')" "$(seq 1 "$landed" | tr '\n' ' ')" "qa seq without gaps"
finish
