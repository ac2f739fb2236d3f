#!/usr/bin/env bash
# slo-check --watch: samples against a real demo service appended to a JSON Lines history
# (relgate.slo-history/v1), plain lines without a TTY, --count, SIGINT and SIGTERM stop cleanly
# with the last decision's exit code, an unreachable source is an ERROR sample, hostile history paths.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"
command -v python3 >/dev/null || skip "python3 is needed for the demo service"
digest="sha256:$(printf w | sha256sum | cut -d' ' -f1)"

port=$(free_port $((20100 + RANDOM % 200))) || exit 1
start_demo watch "$port" || exit 1
load_bg "$port" 30
url="http://127.0.0.1:$port/metrics"
hist="$TMP/history.jsonl"

run slo-check --watch --metrics-url "$url" --window 1s --interval 1s --count 2 --history "$hist" \
  --env prod --stage 10 --subject "demo.local/shop@$digest"
expect_rc 0 "two healthy samples"
expect_eq "$(grep -c '^slo-check: [0-9:]*  ALLOW  error rate 0%  p99 ' <<<"$out")" "2" "plain status lines"
expect_contains "$out" "watch: 2 sample(s) (2 ALLOW) appended to $hist" "summary reason"
expect_eq "$(wc -l <"$hist")" "2" "two history lines"
expect_eq "$(tail -c1 "$hist" | od -An -c | tr -d ' ')" '\n' "final newline"
line=$(head -1 "$hist")
expect_eq "$(jq -r '[.schema,.env,.stage,.subject,.decision] | join(" ")' <<<"$line")" \
  "relgate.slo-history/v1 prod 10 $digest ALLOW" "sample fields"
expect_eq "$(jq -r '(.error_rate|type)+" "+(.latency_p99_seconds|type)+" "+(.latency_p50_seconds|type)+" "+(.reasons|type)' <<<"$line")" \
  "number number null array" "figures measured, p50 not in the policy"
expect_eq "$(jq -r '.at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")' <<<"$line")" "true" "RFC 3339 UTC"
expect_eq "$(jq -r 'keys_unsorted | join(",")' <<<"$line")" \
  "schema,at,env,stage,subject,decision,error_rate,latency_p50_seconds,latency_p99_seconds,reasons" "exact members"

# A failing service: the sample is DENY, the exit code the last sample's.
chaos "$port" '{"mode":"error","rate":1.0}'
run slo-check --watch --metrics-url "$url" --window 1s --interval 0s --count 1 --history "$hist"
expect_rc 1 "DENY sample"
expect_eq "$(tail -1 "$hist" | jq -r '.decision + " " + (.error_rate > 0.5|tostring) + " " + (.env|tostring)')" \
  "DENY true null" "DENY recorded with its error rate"
chaos "$port" '{"mode":"recover"}'

# Unreachable: an ERROR sample, never a gap.
dead=$(free_port $((20400 + RANDOM % 200)))
run slo-check --watch --metrics-url "http://127.0.0.1:$dead/metrics" --window 1s --count 1 --attempts 1 --history "$hist"
expect_rc 2 "unreachable"
expect_eq "$(tail -1 "$hist" | jq -r '.decision')" "ERROR" "ERROR sample written"
expect_contains "$(tail -1 "$hist" | jq -r '.reasons[0]')" "unreachable" "reason kept"

# SIGINT and SIGTERM: clean stop, last decision's exit code, no torn line.
for sig in INT TERM; do
  before=$(wc -l <"$hist")
  slo-check --watch --metrics-url "$url" --window 1s --interval 1s --history "$hist" >"$TMP/sig.out" 2>&1 &
  pid=$!
  for _ in $(seq 60); do [ "$(wc -l <"$hist")" -gt "$before" ] && break; sleep 0.1; done
  kill -s "$sig" "$pid"
  wait "$pid"; code=$?
  expect_eq "$code" "0" "SIG$sig: exit code of the last (ALLOW) sample"
  expect_contains "$(cat "$TMP/sig.out")" "stopped by a signal" "SIG$sig noted"
  jq -e . "$hist" >/dev/null || fail "SIG$sig left a torn history line"
done
# A signal before the first sample completes: nothing measured, fails closed.
slo-check --watch --metrics-url "$url" --window 3s --history "$hist" >"$TMP/early.out" 2>&1 &
pid=$!; sleep 0.5; kill -INT "$pid"; wait "$pid"; code=$?
expect_eq "$code" "2" "stopped before the first sample"

# Hostile or wrong usage.
ln -s "$TMP/elsewhere" "$TMP/link.jsonl"
run slo-check --watch --metrics-url "$url" --window 1s --count 1 --history "$TMP/link.jsonl"
expect_rc 2 "symlinked history"
expect_contains "$err" "symbolic link" "named"
[ -e "$TMP/elsewhere" ] && fail "wrote through the symlink"
mkfifo "$TMP/fifo"
run timeout 10 slo-check --watch --metrics-url "$url" --window 1s --count 1 --history "$TMP/fifo"
expect_rc 2 "FIFO history"
expect_contains "$err" "not a regular file" "named"
run slo-check --watch --metrics-url "$url" --window 1s --count 1
expect_rc 2 "no --history"
run slo-check --metrics-url "$url" --window 1s --history "$hist"
expect_rc 2 "--history without --watch"
run slo-check --watch --metrics-url "$url" --count 1 --history "$hist" --evidence "$TMP/e.json"
expect_rc 2 "--watch with --evidence"
printf 'version = 1\n[[objectives]]\nname = "x"\nmetric = "nonsense"\n' >"$TMP/bad.toml"
before=$(wc -l <"$hist")
run slo-check --watch --metrics-url "$url" --count 1 --history "$hist" --policy "$TMP/bad.toml"
expect_rc 2 "bad policy before the first sample"
expect_eq "$(wc -l <"$hist")" "$before" "bad policy writes no sample"

# A TTY gets one \r-updated line (script(1) gives the step a terminal).
if command -v script >/dev/null; then
  script -qec "slo-check --watch --metrics-url $url --window 1s --interval 0s --count 2 --history $hist --no-color" \
    /dev/null >"$TMP/tty.out" 2>&1
  expect_eq "$(grep -c $'\r\033\\[K' "$TMP/tty.out")" "1" "status line rewritten in place"
  expect_eq "$(tr -cd '\r' <"$TMP/tty.out" | wc -c | awk '{print ($1 >= 2)}')" "1" "two carriage-return updates"
fi
finish
