#!/usr/bin/env bash
# slo-check against a real Prometheus (Debian's 2.42) scraping a demo canary and baseline every
# second: p99 computed from raw buckets equals Prometheus's histogram_quantile on the same data;
# PromQL gating with {{ role }}: chaos on the canary -> DENY, recover -> ALLOW.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"
command -v python3 >/dev/null || skip "python3 is needed for the demo service"
command -v jq >/dev/null || skip "jq is needed"

CANARY=$(free_port 19410) || exit 1
start_demo canary "$CANARY" || exit 1
BASELINE=$(free_port $((CANARY + 1))) || exit 1
start_demo baseline "$BASELINE" || exit 1
PROM=$(free_port 19490) || exit 1
start_prometheus "$PROM" "      - targets: ['127.0.0.1:$CANARY']
        labels: {role: canary}
      - targets: ['127.0.0.1:$BASELINE']
        labels: {role: baseline}" || exit 1
PROM_URL="http://127.0.0.1:$PROM"

# 1. p99 agreement. Load, then let the data settle (no request is counted after wrk ends) so the
# scrape we save and the samples Prometheus holds are the same numbers.
load "$CANARY" 4
sleep 1
curl -s "http://127.0.0.1:$CANARY/metrics" >"$TMP/canary.prom"
sleep 2.5
curl -s "http://127.0.0.1:$CANARY/metrics" >"$TMP/canary-again.prom"
if ! diff <(grep _bucket "$TMP/canary.prom") <(grep _bucket "$TMP/canary-again.prom") >/dev/null; then
  fail "the buckets changed while settling (stray load on port $CANARY?): the comparison below is not on the same data"
fi
cat >"$TMP/quantiles.toml" <<'TOML'
version = 1
[[objectives]]
name = "p50"
metric = "p50_latency"
[[objectives]]
name = "p90"
metric = "p90_latency"
[[objectives]]
name = "p99"
metric = "p99_latency"
[[objectives]]
name = "p99.9"
metric = "p99.9_latency"
TOML
run slo-check --metrics-file "$TMP/canary.prom" --policy "$TMP/quantiles.toml" --format json
expect_rc 0 "quantiles from the saved scrape"
for q in 0.5 0.9 0.99 0.999; do
  case $q in 0.5) name=p50;; 0.9) name=p90;; 0.99) name=p99;; 0.999) name=p99.9;; esac
  ours=$(echo "$out" | jq -r --arg n "$name" '.summary.objectives[] | select(.name == $n) | .value')
  theirs=$(prom_value "$PROM" "histogram_quantile($q, sum by (le) (http_request_duration_seconds_bucket{role=\"canary\"}))")
  echo "$name: slo-check $ours, Prometheus $theirs"
  python3 -c "import sys; sys.exit(0 if float('$ours') == float('$theirs') else 1)" 2>/dev/null ||
    fail "$name from raw buckets ($ours) differs from Prometheus histogram_quantile ($theirs)"
done

# 2. Gating on PromQL, canary vs baseline through {{ role }}.
cat >"$TMP/prom-policy.toml" <<'TOML'
version = 1
[source]
prometheus_selector = 'job="demo", role="{{ role }}"'
window = "5s"
[[objectives]]
name = "error rate"
metric = "error_rate"
pass = ["<= 1%"]
key = true
[[objectives]]
name = "p99 latency"
metric = "p99_latency"
pass = ["<= 500ms"]
key = true
[[objectives]]
name = "traffic"
query = 'sum(rate(http_requests_total{job="demo", role="{{ role }}"}[{{ window }}]))'
pass = [">= 1"]
no_data = "deny"
TOML
load_bg "$CANARY" 30
load_bg "$BASELINE" 30
sleep 6
PROM_ARGS=(--prometheus "$PROM_URL" --policy "$TMP/prom-policy.toml" --canary-role canary --baseline-role baseline)
run slo-check "${PROM_ARGS[@]}" --format json
expect_rc 0 "healthy canary via PromQL"
expect_eq "$(echo "$out" | jq -r '.summary.source')" "prometheus" "source recorded"
traffic=$(echo "$out" | jq -r '.summary.objectives[2].value')
python3 -c "import sys; sys.exit(0 if float('$traffic') >= 10 else 1)" || fail "traffic query: $traffic req/s"

chaos "$CANARY" '{"mode":"error","rate":0.5}'
sleep 6
run slo-check "${PROM_ARGS[@]}" --count 2 --interval 1s
expect_rc 1 "canary errors via PromQL"
expect_contains "$out" "error rate" "PromQL error reason"
expect_contains "$out" "> 1% (canary, 2 of 2 measurements)" "PromQL reason carries threshold and count"

# Mann-Whitney over range-query samples (query_range, one per second over 8 s): the absolute
# threshold is lax on purpose (90 %), so only the comparison with the baseline can deny.
cat >"$TMP/range.toml" <<'TOML'
version = 1
[source]
prometheus_selector = 'job="demo", role="{{ role }}"'
window = "3s"
[[objectives]]
name = "error rate"
metric = "error_rate"
pass = ["<= 90%"]
key = true
[canary]
sample_range = "8s"
sample_step = "1s"
TOML
run slo-check --prometheus "$PROM_URL" --policy "$TMP/range.toml" --canary-role canary --baseline-role baseline --format json
expect_rc 1 "Mann-Whitney on range samples"
expect_contains "$(echo "$out" | jq -r '.reasons[0]')" "is significantly higher than baseline 0%" "range Mann-Whitney reason"
expect_contains "$(echo "$out" | jq -r '.reasons[0]')" "range samples" "range samples named"
expect_eq "$(echo "$out" | jq -r '.summary.objectives[0].mann_whitney.samples_from')" "range query" "sample source recorded"
samples=$(echo "$out" | jq -r '.summary.objectives[0].mann_whitney.canary_samples')
[ "$samples" -ge 5 ] 2>/dev/null || fail "range samples: $samples"

# Multiwindow burn rate on the same data: 50 % errors against a 99 % SLO burns 50x the budget.
cat >"$TMP/burn.toml" <<'TOML'
version = 1
[source]
prometheus_selector = 'job="demo", role="{{ role }}"'
[burn_rate]
target = 0.99
period = "1h"
[[burn_rate.windows]]
long = "6s"
short = "3s"
factor = 10
TOML
run slo-check --prometheus "$PROM_URL" --policy "$TMP/burn.toml" --canary-role canary --format json
expect_rc 1 "burn rate firing"
expect_contains "$(echo "$out" | jq -r '.reasons[0]')" "error budget burning too fast: 6s/3s burn rate" "burn reason"
expect_eq "$(echo "$out" | jq -r '.summary.burn_rate[0].firing')" "true" "burn recorded"
run slo-check --prometheus "$PROM_URL" --policy "$TMP/burn.toml" --canary-role baseline
expect_rc 0 "the baseline burns nothing"

chaos "$CANARY" '{"mode":"recover"}'
sleep 7
run slo-check "${PROM_ARGS[@]}"
expect_rc 0 "recovered canary via PromQL"

# A typo'd query is Prometheus's bad_data: exit 2 with Prometheus's own message.
cat >"$TMP/bad-query.toml" <<'TOML'
version = 1
[measurement]
consecutive_error_limit = 0
[[objectives]]
name = "broken"
query = 'sum(rate(http_requests_total[5s]'
pass = ["< 1"]
TOML
run slo-check --prometheus "$PROM_URL" --policy "$TMP/bad-query.toml"
expect_rc 2 "bad PromQL"
expect_contains "$out$err" "errorType bad_data" "Prometheus error type in the reason"

finish
