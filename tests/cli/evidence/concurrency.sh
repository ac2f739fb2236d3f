#!/usr/bin/env bash
# 64 processes appending at once must yield 64 records and an intact chain, while readers
# running alongside never see a torn file.
source "$(dirname "$0")/../lib.sh"

digest="sha256:$(printf 'concurrency' | sha256sum | cut -d' ' -f1)"
ev="$TMP/e.json"
writers=64

# Readers: verify in a loop until the writers are done; any failure is recorded.
: > "$TMP/reader-failures"
reader() {
  while [ ! -e "$TMP/done" ]; do
    if [ -e "$ev" ]; then
      evidence verify --evidence "$ev" > /dev/null 2>> "$TMP/reader-failures" || echo "verify exit $?" >> "$TMP/reader-failures"
    fi
  done
}
reader & reader1=$!
reader & reader2=$!

# No init: the first writer to get the lock creates the file from --subject.
pids=()
for i in $(seq 1 $writers); do
  evidence append --evidence "$ev" --subject "api@$digest" --step "job-$i" --decision ALLOW \
    --reason "writer $i" > /dev/null 2> "$TMP/writer-$i.err" &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
touch "$TMP/done"
wait "$reader1" "$reader2"

expect_eq "$failed" "0" "every writer succeeded"
[ "$failed" = 0 ] || cat "$TMP"/writer-*.err
run evidence verify --evidence "$ev"
expect_rc 0 "chain intact after $writers concurrent appends"
expect_contains "$out" "chain intact: $writers records" "record count"
expect_eq "$(jq -r '.records[].step' "$ev" | sort -u | wc -l)" "$writers" "each writer's record is there once"
expect_eq "$(cat "$TMP/reader-failures")" "" "readers never saw a torn or broken file"
expect_eq "$(ls "$TMP" | grep -c '\.tmp\.')" "0" "no temp files left"
finish
