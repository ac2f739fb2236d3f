#!/usr/bin/env bash
# Red team (slo-check, a buggy or hostile exporter): one histogram series lacks its le="+Inf"
# bucket, which the text format requires of every histogram. Buckets are summed by le across
# series and only the sum is checked for a +Inf bucket, so the series' observations above its
# last finite bound vanish: below, path /b served 1000 of 1100 requests, all slow (_sum / _count:
# 30 s each), yet p99 reads 99 ms from path /a alone and the default policy ALLOWs (exit 0).
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
# DEFECT: remove this line once a histogram series without a +Inf bucket is bad data (exit 2) or
# makes the quantile no data. Input: the scrape below, default policy, --metrics-file.
skip "defect: a histogram series without le=\"+Inf\" drops its slow requests from p99 (ALLOW)"

cat >"$TMP/scrape.prom" <<'PROM'
http_requests_total{code="200",path="/a"} 100
http_requests_total{code="200",path="/b"} 1000
http_request_duration_seconds_bucket{path="/a",le="0.1"} 100
http_request_duration_seconds_bucket{path="/a",le="+Inf"} 100
http_request_duration_seconds_sum{path="/a"} 5
http_request_duration_seconds_count{path="/a"} 100
http_request_duration_seconds_bucket{path="/b",le="0.1"} 0
http_request_duration_seconds_bucket{path="/b",le="0.5"} 0
http_request_duration_seconds_sum{path="/b"} 30000
http_request_duration_seconds_count{path="/b"} 1000
PROM

run slo-check --metrics-file "$TMP/scrape.prom"
[ "$rc" != 0 ] || fail "a histogram series without +Inf: exit 0 (ALLOW) while 91% of requests took 30 s"
expect_not_contains "$out" "p99 latency              pass" "p99 not passed without the slow series"

finish
