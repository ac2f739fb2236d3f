#!/usr/bin/env bash
# Red team (slo-check, a buggy or hostile exporter): one histogram series lacks its le="+Inf"
# bucket, which the text format requires of every histogram. Buckets are summed by le across
# series, so such a series would lose its observations above its last finite bound (path /b: 1000
# of 1100 requests, 30 s each by _sum / _count, while p99 read 99 ms from /a and ALLOWed). Every
# histogram series must now have its +Inf bucket and a _count equal to it: bad data, exit 2, named.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
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
expect_rc 2 "a histogram series without its +Inf bucket is bad data"
expect_contains "$err" 'histogram series http_request_duration_seconds{path="/b"} has no le="+Inf" bucket' \
  "the error names the series"

# With its +Inf bucket but a _count that disagrees with it: bad data as well.
sed 's|^http_request_duration_seconds_bucket{path="/b",le="0.5"} 0$|&\nhttp_request_duration_seconds_bucket{path="/b",le="+Inf"} 10|' \
  "$TMP/scrape.prom" >"$TMP/count.prom"
run slo-check --metrics-file "$TMP/count.prom"
expect_rc 2 "a _count that differs from its +Inf bucket is bad data"
expect_contains "$err" 'http_request_duration_seconds_count 1000 differs from its le="+Inf" bucket 10' "named"

finish
