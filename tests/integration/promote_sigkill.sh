# SIGKILL during promote leaves the repository at the old or the new state; the next run detects
# uncommitted relgate files and refuses with the fix, and after the fix promotes normally.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/cli/promote/gitops_fixture.bash"
command -v git >/dev/null || skip "git not installed"
real_git=$(command -v git)
command -v setsid >/dev/null || skip "setsid (util-linux) not installed"
promote_bin=$(type -P promote) || fail "promote is not on PATH"

# Signed evidence (the fixture's RELGATE_EVIDENCE_KEY); the fixture's promote() passes --now.
printf 'version = 1\n%s\n[environments.staging]\n' "$EVIDENCE_SECTION" >"$TMP/policy.toml"
new_gitops_remote "$TMP/remote.git"
clone_of "$TMP/remote.git" "$TMP/work"
new_evidence "$TMP/v1.json" v1
run promote --env staging --repo "$TMP/work" --evidence "$TMP/v1.json" --policy "$TMP/policy.toml" --push
expect_rc 0 "first promotion"

consistent() { # the committed files (HEAD, not the work tree) agree: state seq == newest ledger seq
  local commit state ledger
  commit=$(git -C "$TMP/work" rev-parse HEAD) || return 1 # both files from one commit
  state=$(git -C "$TMP/work" show "$commit:relgate/api/staging/state.json") || return 1
  ledger=$(git -C "$TMP/work" show "$commit:relgate/api/staging/ledger.jsonl" | tail -1) || return 1
  [ "$(jq -r .ledger_seq <<<"$state")" = "$(jq -r .seq <<<"$ledger")" ] &&
    [ "$(jq -r .stable.digest <<<"$state")" = "$(jq -r .digest <<<"$ledger")" ]
}

# 1. Deterministic: a git wrapper stalls `git commit` (files written and staged), promote is killed there.
mkdir -p "$TMP/slowbin"
cat >"$TMP/slowbin/git" <<SH
#!/bin/sh
for arg in "\$@"; do
  if [ "\$arg" = commit ]; then echo \$\$ >"$TMP/in-commit"; sleep 30; fi
done
exec "$real_git" "\$@"
SH
chmod +x "$TMP/slowbin/git"
new_evidence "$TMP/v2.json" v2
PATH="$TMP/slowbin:$PATH" promote --env staging --repo "$TMP/work" --evidence "$TMP/v2.json" --policy "$TMP/policy.toml" \
  >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -f "$TMP/in-commit" ] && break; sleep 0.1; done
[ -f "$TMP/in-commit" ] || fail "promote never reached git commit"
kill -9 "$pid"; kill -9 "$(cat "$TMP/in-commit")" 2>/dev/null; wait "$pid" 2>/dev/null
expect_eq "$(jq -r .stable.digest <(git -C "$TMP/work" show HEAD:relgate/api/staging/state.json))" "$(digest_of v1)" "HEAD still at the old state"
run promote --env staging --repo "$TMP/work" --evidence "$TMP/v2.json" --policy "$TMP/policy.toml"
expect_rc 2 "dirty state detected"
expect_contains "$err" "relgate's files have uncommitted changes" "refused"
fix="git -C $TMP/work checkout HEAD -- relgate && git -C $TMP/work clean -fd -- relgate"
expect_contains "$err" "$fix" "the fix is printed"
git -C "$TMP/work" reset -q -- relgate   # the killed run had staged its files
git -C "$TMP/work" checkout HEAD -- relgate && git -C "$TMP/work" clean -fdq -- relgate
run promote --env staging --repo "$TMP/work" --evidence "$TMP/v2.json" --policy "$TMP/policy.toml" --push
expect_rc 0 "after the fix the promotion runs"
consistent || fail "state and ledger disagree after recovery"

# 2. Killed while pushing: the commit is local only, the remote keeps the old state; the next
# --push run refuses to build on the unpushed commit and says how to resolve it.
cat >"$TMP/slowbin/git" <<SH
#!/bin/sh
for arg in "\$@"; do
  if [ "\$arg" = push ]; then echo \$\$ >"$TMP/in-push"; sleep 30; fi
done
exec "$real_git" "\$@"
SH
new_evidence "$TMP/v2b.json" v2b
remote_before=$(git -C "$TMP/remote.git" rev-parse main)
PATH="$TMP/slowbin:$PATH" promote --env staging --repo "$TMP/work" --evidence "$TMP/v2b.json" --policy "$TMP/policy.toml" \
  --push >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -f "$TMP/in-push" ] && break; sleep 0.1; done
[ -f "$TMP/in-push" ] || fail "promote never reached git push"
kill -9 "$pid"; kill -9 "$(cat "$TMP/in-push")" 2>/dev/null; wait "$pid" 2>/dev/null
expect_eq "$(git -C "$TMP/remote.git" rev-parse main)" "$remote_before" "remote still at the old state"
consistent || fail "the local commit is a complete new state"
run promote --env staging --repo "$TMP/work" --evidence "$TMP/v2b.json" --policy "$TMP/policy.toml" --push
expect_rc 2 "unpushed commit detected"
expect_contains "$err" "has commits that are not on origin/main" "refused with the reason"
git -C "$TMP/work" push -q origin HEAD:main   # the fix chosen here: push the finished promotion
run promote --env staging --repo "$TMP/work" --evidence "$TMP/v2b.json" --policy "$TMP/policy.toml" --push
expect_rc 0 "after the push: nothing to change"
expect_contains "$out" "already runs at 100%" "the killed promotion had completed locally"

# 3. Killed at random moments: each time the commit is the old or the new state; dirty files are refused and fixed.
for i in $(seq 3 8); do
  new_evidence "$TMP/v$i.json" "v$i"
  before=$(git -C "$TMP/work" rev-parse HEAD)
  # Its own session (setsid does not fork here: a background job is no group leader), so every
  # process it starts can be found by session id, even one not yet past exec.
  setsid "$promote_bin" --now "$NOW" --env staging --repo "$TMP/work" --evidence "$TMP/v$i.json" \
    --policy "$TMP/policy.toml" >/dev/null 2>&1 &
  pid=$!
  sleep "0.0$((RANDOM % 4))$((RANDOM % 10))"
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  # SIGKILL ends promote, not the git it started: a `git -C $TMP/work commit` may still move HEAD.
  # Let every such orphan end before looking (only watched, never signalled). Matching the command
  # line alone missed a child spawned but not yet exec'd (CI, under ASan: "dirty" here, and the
  # commit landed before the next promote looked).
  for _ in $(seq 1 100); do pgrep -s "$pid" >/dev/null || pgrep -f -- "-C $TMP/work " >/dev/null || break; sleep 0.1; done
  for _ in $(seq 1 50); do [ -f "$TMP/work/.git/index.lock" ] || break; sleep 0.1; done
  after=$(git -C "$TMP/work" rev-parse HEAD)
  if [ "$after" != "$before" ]; then
    expect_eq "$(git -C "$TMP/work" rev-parse HEAD~1)" "$before" "run $i: exactly one new commit"
  fi
  consistent || fail "run $i: committed state and ledger disagree"
  if [ -n "$(git -C "$TMP/work" status --porcelain -- relgate)" ]; then
    run promote --env staging --repo "$TMP/work" --evidence "$TMP/v$i.json" --policy "$TMP/policy.toml"
    expect_rc 2 "run $i: dirty files refused"
    git -C "$TMP/work" reset -q -- relgate
    git -C "$TMP/work" checkout HEAD -- relgate && git -C "$TMP/work" clean -fdq -- relgate
    echo "run $i: killed before the commit; refused, fixed"
  else
    echo "run $i: killed $( [ "$after" = "$before" ] && echo 'before writing' || echo 'after the commit')"
  fi
  run promote --env staging --repo "$TMP/work" --evidence "$TMP/v$i.json" --policy "$TMP/policy.toml"
  expect_rc 0 "run $i: the next promote succeeds (or finds nothing to change)"
  consistent || fail "run $i: state and ledger disagree after the rerun"
done
expect_eq "$(jq -r .seq "$TMP/work/relgate/api/staging/ledger.jsonl" | sort -n | uniq -d)" "" "no duplicate ledger entries"
finish
