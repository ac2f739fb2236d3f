#!/usr/bin/env bash
# SIGKILL delivered at each step of an append (strace injects it on the syscall): the file is
# exactly as before up to the rename, the new state after it, never torn; the lock is released
# and the next append cleans the dead writer's temp file.
source "$(dirname "$0")/../lib.sh"
command -v strace > /dev/null || skip "strace not installed (apt-get install strace)"
strace -f -qq -o /dev/null true 2> /dev/null || skip "ptrace not permitted here"

digest="sha256:$(printf 'kill points' | sha256sum | cut -d' ' -f1)"
ev="$TMP/e.json"
evidence init --evidence "$ev" --subject "api@$digest" > /dev/null || fail "init"
evidence append --evidence "$ev" --step seed --decision ALLOW > /dev/null || fail "seed"

# point: the syscall (and which occurrence) at which the appender dies; expect: before | after.
check_point() { # check_point SYSCALL WHEN EXPECT
  cp "$ev" "$TMP/before.json"
  count_before=$(jq '.records | length' "$ev")
  ( timeout 20 strace -f -qq -o /dev/null -e trace="$1" -e inject="$1:signal=KILL:when=$2" \
    evidence append --evidence "$ev" --step "killed-at-$1-$2" --decision ALLOW > /dev/null 2>&1 ) 2> /dev/null
  rc=$?
  expect_eq "$rc" "137" "$1 #$2: the appender died by SIGKILL"
  run evidence verify --evidence "$ev"
  expect_rc 0 "$1 #$2: file parses, chain intact"
  if [ "$3" = before ]; then
    cmp -s "$ev" "$TMP/before.json" || fail "$1 #$2: file changed although the writer died before its rename"
  else
    expect_eq "$(jq '.records | length' "$ev")" "$((count_before + 1))" "$1 #$2: the renamed file is complete"
    expect_eq "$(jq -r '.records[-1].step' "$ev")" "killed-at-$1-$2" "$1 #$2: the new record is last"
  fi
  # The lock died with the writer: the next append must not hang, and removes the temp file.
  run timeout 20 evidence append --evidence "$ev" --step "after-$1-$2" --decision ALLOW
  expect_rc 0 "$1 #$2: next append"
  expect_eq "$(ls "$TMP" | grep -c '\.tmp\.')" "0" "$1 #$2: temp file cleaned up"
}

check_point write 1 before     # temp file created, nothing written yet
check_point fsync 1 before     # temp file written, not yet durable
check_point rename 1 before    # temp file durable, not yet renamed
check_point fsync 2 after      # renamed; killed while syncing the folder
run evidence verify --evidence "$ev"
expect_contains "$out" "chain intact: 6 records" "final count: seed, 4 follow-ups, 1 renamed before its kill"
finish
