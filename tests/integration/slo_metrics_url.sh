#!/usr/bin/env bash
# slo-check against live /metrics endpoints (no Prometheus): a demo canary and baseline under
# bounded wrk load; inject chaos (errors, slowness) and see DENY, recover and see ALLOW;
# canary vs baseline: a canary merely as slow as its baseline is not blamed.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"
command -v python3 >/dev/null || skip "python3 is needed for the demo service"

CANARY=$(free_port 19310) || exit 1
start_demo canary "$CANARY" || exit 1
BASELINE=$(free_port $((CANARY + 1))) || exit 1
start_demo baseline "$BASELINE" || exit 1
load_bg "$CANARY" 60
load_bg "$BASELINE" 60
sleep 1

# Healthy: ALLOW, with both objectives measured over a 3 s window.
run slo-check --metrics-url "http://127.0.0.1:$CANARY/metrics" --window 3s --format json
expect_rc 0 "healthy service"
expect_eq "$(echo "$out" | jq -r '.decision')" "ALLOW" "healthy decision"
expect_eq "$(echo "$out" | jq -r '.summary.objectives[0].counts.passed')" "1" "error rate measured"
requests=$(echo "$out" | jq -r '.summary.measurements[0].figures.target.requests')
python3 -c "import sys; sys.exit(0 if float('$requests') >= 50 else 1)" || fail "too little load in the window: $requests requests"

# Errors: half the requests fail -> DENY naming the value and the threshold, 2 of 2 measurements.
chaos "$CANARY" '{"mode":"error","rate":0.5}'
run slo-check --metrics-url "http://127.0.0.1:$CANARY/metrics" --window 3s --count 2 --interval 3s
expect_rc 1 "error chaos"
expect_contains "$out" "error rate" "error chaos reason"
expect_contains "$out" "> 1% (target, 2 of 2 measurements)" "error chaos threshold and count"

# Slowness: every request takes 0.8 s -> p99 above 500 ms.
chaos "$CANARY" '{"mode":"slow","duration":0.8}'
sleep 1
run slo-check --metrics-url "http://127.0.0.1:$CANARY/metrics" --window 3s
expect_rc 1 "slow chaos"
expect_contains "$out" "p99 latency" "slow chaos reason"
expect_contains "$out" "> 500 ms (target, 1 of 1 measurement)" "slow chaos threshold"

# Recover: ALLOW again.
chaos "$CANARY" '{"mode":"recover"}'
sleep 1.5
run slo-check --metrics-url "http://127.0.0.1:$CANARY/metrics" --window 3s
expect_rc 0 "after recovery"

# Canary vs baseline, both slow: the canary is not blamed for what the baseline does too.
chaos "$CANARY" '{"mode":"slow","duration":0.7}'
chaos "$BASELINE" '{"mode":"slow","duration":0.7}'
sleep 1
run slo-check --canary-url "http://127.0.0.1:$CANARY/metrics" --baseline-url "http://127.0.0.1:$BASELINE/metrics" --window 3s --format json
expect_rc 0 "canary as slow as baseline"
expect_contains "$(echo "$out" | jq -r '.summary.objectives[1].measurements[0].note')" "not blamed on the canary" "excuse note"

# Only the canary slow: DENY, blamed on the canary.
chaos "$BASELINE" '{"mode":"recover"}'
sleep 1.5
run slo-check --canary-url "http://127.0.0.1:$CANARY/metrics" --baseline-url "http://127.0.0.1:$BASELINE/metrics" --window 3s
expect_rc 1 "only the canary slow"
expect_contains "$out" "> 500 ms (canary, 1 of 1 measurement)" "canary blamed"

# Within the absolute threshold (300 ms < 500 ms) but consistently slower than the baseline over
# 6 measurements: Mann-Whitney finds it significantly higher -> DENY.
chaos "$CANARY" '{"mode":"slow","duration":0.3}'
sleep 1
run slo-check --canary-url "http://127.0.0.1:$CANARY/metrics" --baseline-url "http://127.0.0.1:$BASELINE/metrics" --window 2s --count 6 --interval 2s --format json
expect_rc 1 "canary significantly slower"
expect_contains "$(echo "$out" | jq -r '.reasons[0]')" "is significantly higher than baseline" "Mann-Whitney reason"
expect_eq "$(echo "$out" | jq -r '.summary.objectives[1].mann_whitney.class')" "High" "Mann-Whitney class"
expect_eq "$(echo "$out" | jq -r '.summary.objectives[1].counts.failed')" "0" "no absolute failure"
ratio=$(echo "$out" | jq -r '.summary.objectives[1].ratio_to_baseline')
python3 -c "import sys; sys.exit(0 if float('$ratio') > 3 else 1)" || fail "canary/baseline p99 ratio: $ratio"

finish
