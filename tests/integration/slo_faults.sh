#!/usr/bin/env bash
# slo-check fails closed (exit 2) with a clear reason, and never hangs, when its source is down,
# too slow, answers 500 or HTML, sends garbage JSON, or rejects the query.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"
command -v python3 >/dev/null || skip "python3 is needed for the fault server"

# expect_fast_exit2 LABEL MAX_SECONDS NEEDLE CMD...: exit 2 within MAX_SECONDS, reason has NEEDLE.
expect_fast_exit2() {
  local label=$1 max=$2 needle=$3; shift 3
  local start=$SECONDS
  run timeout 60 "$@"
  local took=$((SECONDS - start))
  expect_rc 2 "$label"
  expect_contains "$out$err" "$needle" "$label reason"
  [ "$took" -le "$max" ] || fail "$label took ${took}s (limit ${max}s)"
  echo "$label: exit $rc in ${took}s"
}

# Prometheus down: nothing listens on the port.
DOWN=$(free_port 19510) || exit 1
expect_fast_exit2 "prometheus down" 15 "unreachable" \
  slo-check --prometheus "http://127.0.0.1:$DOWN" --attempts 2
expect_contains "$out" "consecutive measurement errors > consecutive_error_limit 4" "error limit named"

# Slow beyond the timeout: the server accepts and never answers; --timeout bounds the step.
HANG=$(free_port $((DOWN + 1))) || exit 1
start_fault hang "$HANG" || exit 1
expect_fast_exit2 "prometheus hangs" 8 "--timeout 4s reached" \
  slo-check --prometheus "http://127.0.0.1:$HANG" --timeout 4s
expect_fast_exit2 "metrics endpoint hangs" 8 "--timeout 4s reached" \
  slo-check --metrics-url "http://127.0.0.1:$HANG/metrics" --window 1s --timeout 4s

# 500 with an HTML page from a proxy.
H500=$(free_port $((HANG + 1))) || exit 1
start_fault html500 "$H500" || exit 1
expect_fast_exit2 "HTTP 500 HTML" 20 "HTTP 500 (text/html) is not a Prometheus API response" \
  slo-check --prometheus "http://127.0.0.1:$H500" --attempts 2 --interval 0s
expect_fast_exit2 "metrics endpoint 500" 20 "HTTP 500" \
  slo-check --metrics-url "http://127.0.0.1:$H500/metrics" --window 1s --attempts 1

# 200 with an HTML page (the UI, not the API).
H200=$(free_port $((H500 + 1))) || exit 1
start_fault html200 "$H200" || exit 1
expect_fast_exit2 "HTML instead of the API" 15 "<!DOCTYPE html>" \
  slo-check --prometheus "http://127.0.0.1:$H200/graph"
expect_fast_exit2 "HTML instead of /metrics" 15 "is this a Prometheus /metrics endpoint?" \
  slo-check --metrics-url "http://127.0.0.1:$H200/" --window 1s

# Truncated JSON.
GARBAGE=$(free_port $((H200 + 1))) || exit 1
start_fault garbage "$GARBAGE" || exit 1
expect_fast_exit2 "garbage JSON" 15 "is not a Prometheus API response" \
  slo-check --prometheus "http://127.0.0.1:$GARBAGE"

# Prometheus rejects the query: its errorType and error are the reason.
BAD=$(free_port $((GARBAGE + 1))) || exit 1
start_fault bad_data "$BAD" || exit 1
expect_fast_exit2 "bad_data" 2 "errorType bad_data): invalid parameter" \
  slo-check --prometheus "http://127.0.0.1:$BAD"

# With --evidence, the failure is still recorded (ERROR), so an audit sees the attempt.
run slo-check --prometheus "http://127.0.0.1:$H500" --attempts 1 --interval 0s --evidence "$TMP/ev.json" \
  --subject "ghcr.io/acme/api@sha256:$(printf 'a%.0s' $(seq 64))" --env staging --format json
expect_rc 2 "error recorded"
if [ -f "$TMP/ev.json" ]; then
  expect_eq "$(jq -r '.records[-1].decision' "$TMP/ev.json")" "ERROR" "evidence decision"
  expect_eq "$(jq -r '.records[-1].summary.measurements | length' "$TMP/ev.json")" "5" "every attempt recorded"
else
  fail "no evidence file written for an ERROR"
fi

finish
