#!/usr/bin/env bash
# slo-check on saved scrapes: decisions, exit codes, reasons with values and thresholds, JSON
# output, OpenMetrics, one file against zero, and clear errors for bad input (exit 2).
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"

write_scrape() { # write_scrape FILE OK ERRORS B0.1 B0.25 B0.5 B1 BINF
  cat >"$1" <<EOF_SCRAPE
# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{method="GET",path="/api",status_code="200"} $2
http_requests_total{method="GET",path="/api",status_code="503"} $3
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1"} $4
http_request_duration_seconds_bucket{le="0.25"} $5
http_request_duration_seconds_bucket{le="0.5"} $6
http_request_duration_seconds_bucket{le="1"} $7
http_request_duration_seconds_bucket{le="+Inf"} $8
http_request_duration_seconds_sum 10
http_request_duration_seconds_count $8
EOF_SCRAPE
}
write_scrape "$TMP/t0.prom" 1000 5 900 990 1000 1000 1000
write_scrape "$TMP/healthy.prom" 1995 10 1850 1985 2000 2000 2000   # +1000 requests, 0.5% errors, p99 < 250 ms
write_scrape "$TMP/sick.prom" 1900 105 1400 1890 1980 2000 2000    # +1000 requests, 10% errors, p99 750 ms

run slo-check --metrics-file "$TMP/t0.prom" --metrics-file "$TMP/healthy.prom"
expect_rc 0 "healthy delta"
expect_contains "$out" "ALLOW" "verdict line"

run slo-check --metrics-file "$TMP/t0.prom" --metrics-file "$TMP/sick.prom"
expect_rc 1 "sick delta"
expect_contains "$out" "error rate 10% > 1% (target, 1 of 1 measurement)" "error reason"
expect_contains "$out" "p99 latency 750 ms > 500 ms (target, 1 of 1 measurement)" "latency reason"

run slo-check --metrics-file "$TMP/t0.prom" --metrics-file "$TMP/sick.prom" --format json
expect_rc 1 "json"
expect_eq "$(echo "$out" | jq -r '.step')" "slo-check" "json step"
expect_eq "$(echo "$out" | jq -r '.decision')" "DENY" "json decision"
expect_eq "$(echo "$out" | jq -r '.summary.objectives[1].value')" "0.75" "p99 value in the summary"
expect_eq "$(echo "$out" | jq -r '.summary.measurements[0].figures.target.requests')" "1000" "delta requests"
expect_eq "$(echo "$out" | jq -r '.reasons | length')" "2" "two reasons"

# On a TTY, a progress line per measurement (on stderr); never when piped, as above.
expect_not_contains "$err" "measurement 1/1" "no progress line when not a TTY"
if command -v script >/dev/null; then
  tty_out=$(script -qc "slo-check --metrics-file '$TMP/t0.prom' --metrics-file '$TMP/sick.prom'" /dev/null)
  expect_contains "$tty_out" "slo-check: measurement 1/1: error rate 10% fail, p99 latency 750 ms fail" "progress line on a TTY"
fi

# One file alone is judged against zero (the counters since the service started).
run slo-check --metrics-file "$TMP/t0.prom" --format json
expect_rc 0 "single file"
expect_eq "$(echo "$out" | jq -r '.summary.measurements[0].figures.target.requests')" "1005" "single file totals"

# A restart between the scrapes: counters reset and are counted from zero, with a warning.
write_scrape "$TMP/restarted.prom" 40 5 35 40 45 45 45
run slo-check --metrics-file "$TMP/healthy.prom" --metrics-file "$TMP/restarted.prom" --format json
expect_rc 1 "after a restart"
expect_eq "$(echo "$out" | jq -r '.summary.measurements[0].figures.target.requests')" "45" "reset counted from zero"
expect_contains "$out" "11.11%" "error rate after the reset"
expect_contains "$out" "counter reset(s)" "reset warned"

# OpenMetrics input.
cat >"$TMP/om.txt" <<'EOF_OM'
# TYPE http_requests counter
http_requests_total{code="200"} 500 1700000030.0
http_requests_total{code="500"} 1 1700000030.0
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1"} 496 1700000030.0 # {trace_id="x"} 0.05
http_request_duration_seconds_bucket{le="1.0"} 501 1700000030.0
http_request_duration_seconds_bucket{le="+Inf"} 501 1700000030.0
# EOF
EOF_OM
run slo-check --metrics-file "$TMP/om.txt" --format json
expect_rc 0 "OpenMetrics"
expect_eq "$(echo "$out" | jq -r '.summary.objectives[0].value')" "0.001996007984031936" "OpenMetrics error rate"

# No data: the histogram is missing -> INCONCLUSIVE (exit 3) by the default no_data policy.
grep -v duration "$TMP/t0.prom" >"$TMP/no-histogram.prom"
run slo-check --metrics-file "$TMP/no-histogram.prom"
expect_rc 3 "no histogram"
expect_contains "$out" "p99 latency: no data in 1 of 1 measurement (http_request_duration_seconds_bucket not in the scrape (no request served yet, or check [source] latency_histogram))" "no data reason"

# Bad input: exit 2 naming the file and line.
printf 'http_requests_total{code="200" 5\n' >"$TMP/broken.prom"
run slo-check --metrics-file "$TMP/broken.prom"
expect_rc 2 "malformed scrape"
expect_contains "$err" "broken.prom:1: expected ',' or '}'" "parse error location"
run slo-check --metrics-file "$TMP/missing.prom"
expect_rc 2 "missing file"
expect_contains "$err" "missing.prom" "missing file named"

# Usage errors.
run slo-check
expect_rc 2 "no source"
expect_contains "$err" "choose exactly one source" "no source message"
run slo-check --metrics-file "$TMP/t0.prom" --metrics-url http://127.0.0.1:1/metrics
expect_rc 2 "two sources"
run slo-check --metrics-file a --metrics-file b --metrics-file c
expect_rc 2 "three files"
run slo-check --metrics-url http://127.0.0.1:1/metrics --count 3
expect_rc 2 "count without interval"
expect_contains "$err" "needs an interval" "count without interval message"
run slo-check --metrics-url http://127.0.0.1:1/metrics --window 30s --timeout 10s
expect_rc 2 "timeout shorter than the window"
expect_contains "$err" "shorter than the plan needs" "timeout message"
run slo-check --baseline-url http://127.0.0.1:1/metrics --metrics-file "$TMP/t0.prom"
expect_rc 2 "baseline without canary"

# A policy mistake names file:line and the key.
printf 'version = 1\n[[objectives]]\nname = "x"\nmetric = "p99_latency"\npass = ["<= fast"]\n' >"$TMP/bad.toml"
run slo-check --metrics-file "$TMP/t0.prom" --policy "$TMP/bad.toml"
expect_rc 2 "bad policy"
expect_contains "$err" "bad.toml:" "policy file named"
expect_contains "$err" "criterion '<= fast'" "policy criterion named"
printf 'version = 1\n[[objectives]]\nname = "q"\nquery = "up"\n' >"$TMP/query.toml"
run slo-check --metrics-file "$TMP/t0.prom" --policy "$TMP/query.toml"
expect_rc 2 "PromQL objective without Prometheus"
expect_contains "$err" "run with --prometheus" "PromQL objective message"

finish
