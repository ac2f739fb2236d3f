#!/usr/bin/env bash
# Bad data is never a pass (issue 9, point 8): NaN, +-Inf or negative counter and bucket values
# from saved scrapes, baseline scrapes or a Prometheus answer are errors naming the series and
# the value (exit 2); a counter that went down or vanished gives at best INCONCLUSIVE (exit 3);
# nothing prints "nan" or "inf".
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
source "$RELGATE_SOURCE_DIR/tests/support/demo-service/slo_test_lib.sh"

scrape() { # scrape FILE OK ERRORS BUCKET_0.25 BUCKET_INF [LE_LOW]
  cat >"$1" <<EOF_SCRAPE
http_requests_total{code="200"} $2
http_requests_total{code="500"} $3
http_request_duration_seconds_bucket{le="${6:-0.25}"} $4
http_request_duration_seconds_bucket{le="+Inf"} $5
http_request_duration_seconds_sum 1
http_request_duration_seconds_count $5
EOF_SCRAPE
}
no_nan_inf() { # no_nan_inf DESCRIPTION: printf's spellings never reach the output
  expect_not_contains "$out$err" "inf ms" "$1: no 'inf ms'"
  expect_not_contains "$out$err" "inf%" "$1: no 'inf%'"
  expect_not_contains "$out$err" "nan" "$1: no 'nan'"
  expect_not_contains "$out$err" " inf" "$1: no ' inf'"
}

scrape "$TMP/t0.prom" 100 100 200 200
# 50% 5xx, but the 200 counter is +Inf: read as "error rate 0%" and ALLOW before.
scrape "$TMP/inf-counter.prom" +Inf 200 400 400
run slo-check --metrics-file "$TMP/t0.prom" --metrics-file "$TMP/inf-counter.prom"
expect_rc 2 "+Inf counter"
expect_contains "$out$err" 'inf-counter.prom: http_requests_total{code="200"} = +Inf' "+Inf series and value named"
no_nan_inf "+Inf counter"
run slo-check --metrics-file "$TMP/inf-counter.prom"
expect_rc 2 "+Inf counter in a single scrape"

# A bucket bound of -Inf made p99 "-inf ms", which passed "<= 500ms".
scrape "$TMP/minus-inf-le.prom" 200 0 200 200 -Inf
run slo-check --metrics-file "$TMP/minus-inf-le.prom" --format json
expect_rc 2 "-Inf bucket bound"
expect_contains "$out$err" 'le="-Inf"' "bucket named"
expect_eq "$(jq -r .decision <<<"$out")" "ERROR" "JSON decision"
no_nan_inf "-Inf bucket bound"

scrape "$TMP/nan-bucket.prom" 200 0 NaN 200
run slo-check --metrics-file "$TMP/t0.prom" --metrics-file "$TMP/nan-bucket.prom"
expect_rc 2 "NaN bucket value"
expect_contains "$out$err" 'http_request_duration_seconds_bucket{le="0.25"} = NaN' "NaN bucket named"

scrape "$TMP/negative.prom" 200 -5 200 200
run slo-check --metrics-file "$TMP/negative.prom"
expect_rc 2 "negative counter"
expect_contains "$out$err" 'http_requests_total{code="500"} = -5' "negative counter named"

# The baseline's saved scrapes are checked the same way.
scrape "$TMP/canary.prom" 1000 0 1000 1000
scrape "$TMP/baseline-inf.prom" 1000 -Inf 1000 1000
run slo-check --metrics-file "$TMP/canary.prom" --baseline-file "$TMP/baseline-inf.prom"
expect_rc 2 "-Inf in the baseline"
expect_contains "$out$err" 'baseline-inf.prom: http_requests_total{code="500"} = -Inf' "baseline file named"

# A 5xx series that went down or vanished between the scrapes hid its errors: not an ALLOW.
printf 'http_requests_total{code="200"} 200\nhttp_request_duration_seconds_bucket{le="0.25"} 300\nhttp_request_duration_seconds_bucket{le="+Inf"} 300\nhttp_request_duration_seconds_sum 1\nhttp_request_duration_seconds_count 300\n' >"$TMP/gone.prom"
run slo-check --metrics-file "$TMP/t0.prom" --metrics-file "$TMP/gone.prom"
expect_rc 3 "vanished 5xx series"
expect_contains "$out" 'http_requests_total{code="500"} (gone from' "vanished series named"
expect_contains "$out" "cannot vouch for an ALLOW" "why not ALLOW"
scrape "$TMP/down.prom" 1200 1 1300 1300
run slo-check --metrics-file "$TMP/t0.prom" --metrics-file "$TMP/down.prom" --format json
expect_rc 3 "5xx counter went down"
expect_eq "$(jq -r .decision <<<"$out")" "INCONCLUSIVE" "reset: INCONCLUSIVE"
expect_contains "$(jq -r '.reasons[]' <<<"$out")" 'http_requests_total{code="500"}' "reset series in the reasons"
expect_eq "$(jq -r '.summary.measurements[0].figures.target.errors' <<<"$out")" "1" "counted from zero, never negative"

# Prometheus answers: a +Inf increase() series, a -Inf quantile.
command -v python3 >/dev/null || { finish; exit; }
serve() { # serve BODY NAME -> sets URL
  printf '%s' "$1" >"$TMP/body-$2.json"
  local port
  port=$(free_port $((19700 + RANDOM % 250))) || exit 1
  start_fault canned "$port" --body "$TMP/body-$2.json" || exit 1
  URL="http://127.0.0.1:$port"
}
printf 'version = 1\n[measurement]\nconsecutive_error_limit = 0\n[[objectives]]\nname = "error rate"\nmetric = "error_rate"\npass = ["< 1%%"]\n' >"$TMP/errors.toml"
serve '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"code":"200"},"value":[1700000000,"+Inf"]},{"metric":{"code":"500"},"value":[1700000000,"50"]}]}}' inf
run slo-check --prometheus "$URL" --policy "$TMP/errors.toml" --attempts 1 --timeout 30s
expect_rc 2 "Prometheus +Inf increase"
expect_contains "$out$err" 'increase(http_requests_total{code="200"}) = +Inf' "Prometheus series and value named"
no_nan_inf "Prometheus +Inf increase"
serve '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"code":"200"},"value":[1700000000,"50"]},{"metric":{"code":"500"},"value":[1700000000,"NaN"]}]}}' nan
run slo-check --prometheus "$URL" --policy "$TMP/errors.toml" --attempts 1 --timeout 30s
expect_rc 2 "Prometheus NaN increase (was skipped: 0% errors)"
expect_contains "$out$err" 'increase(http_requests_total{code="500"}) = NaN' "NaN series named"

printf 'version = 1\n[measurement]\nconsecutive_error_limit = 0\n[[objectives]]\nname = "p99 latency"\nmetric = "p99_latency"\npass = ["<= 500ms"]\n' >"$TMP/p99.toml"
serve '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"-Inf"]}]}}' minus
run slo-check --prometheus "$URL" --policy "$TMP/p99.toml" --attempts 1 --timeout 30s
expect_rc 2 "Prometheus -Inf p99"
expect_contains "$out$err" "p99 latency (target) measured -Inf" "-Inf reading named"
no_nan_inf "Prometheus -Inf p99"

finish
