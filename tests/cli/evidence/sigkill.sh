#!/usr/bin/env bash
# Appenders killed with SIGKILL at random moments: the file must always parse with an intact
# chain, and hold every record whose append reported success (plus, at most, the records of
# killed appenders that had already renamed: before or after, never torn).
source "$(dirname "$0")/../lib.sh"

digest="sha256:$(printf 'sigkill' | sha256sum | cut -d' ' -f1)"
ev="$TMP/e.json"
evidence init --evidence "$ev" --subject "api@$digest" > /dev/null || { fail "init"; finish; }
# A bigger file (~300 KB) makes each write take longer, so kills land mid-write more often.
for i in $(seq 1 6); do
  evidence append --evidence "$ev" --step seed --decision ALLOW --reason "$(head -c 50000 /dev/zero | tr '\0' x)" \
    > /dev/null || fail "seed append $i"
done

rounds=15
per_round=20
RANDOM=4242
total_success=0
total_killed=0
for round in $(seq 1 $rounds); do
  before=$(jq '.records | length' "$ev")
  pids=()
  for i in $(seq 1 $per_round); do
    evidence append --evidence "$ev" --step "r$round-$i" --decision DENY --reason "round $round" > /dev/null 2>&1 &
    pids+=($!)
  done
  # Kill about half of them, each after a random delay of 0-40 ms (kill_points.sh aims the kill
  # at each syscall of an append; this one is the realistic crowd).
  for i in $(seq 0 $((per_round - 1))); do
    if [ $((RANDOM % 2)) = 0 ]; then
      sleep "0.0$((RANDOM % 4))$((RANDOM % 10))"
      kill -9 "${pids[$i]}" 2> /dev/null
    fi
  done
  success=0
  killed=0
  for pid in "${pids[@]}"; do
    { wait "$pid"; } 2> /dev/null
    case $? in
      0) success=$((success + 1)) ;;
      137) killed=$((killed + 1)) ;;
      *) fail "round $round: an appender failed without being killed" ;;
    esac
  done
  total_success=$((total_success + success))
  total_killed=$((total_killed + killed))

  run evidence verify --evidence "$ev"
  expect_rc 0 "round $round: file parses and the chain is intact"
  after=$(jq '.records | length' "$ev")
  added=$((after - before))
  [ "$added" -ge "$success" ] || fail "round $round: $success appends succeeded but only $added records were added"
  [ "$added" -le $((success + killed)) ] || fail "round $round: $added records added by $success+$killed appenders"
  # Every successful appender's record is present exactly once.
  dups=$(jq -r ".records[].step" "$ev" | grep -v "^seed$" | sort | uniq -d)
  expect_eq "$dups" "" "round $round: no record twice"
done
echo "rounds=$rounds appenders=$((rounds * per_round)) succeeded=$total_success killed=$total_killed"
[ "$total_killed" -gt 0 ] || fail "no appender was killed: the test proved nothing"

# Temp files of killed writers (killed mid-write, before their rename) are removed by the next append.
evidence append --evidence "$ev" --step final --decision ALLOW > /dev/null || fail "final append"
expect_eq "$(ls "$TMP" | grep -c '\.tmp\.')" "0" "stale temp files cleaned up"
run evidence verify --evidence "$ev"
expect_rc 0 "final chain intact"
finish
