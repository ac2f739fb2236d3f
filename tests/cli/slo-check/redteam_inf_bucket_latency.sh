#!/usr/bin/env bash
# Red team (slo-check, a release that changes its histogram buckets): every request takes 30 s,
# but the histogram's largest finite bucket is 0.25 s. histogram_quantile answers "the second
# highest bound" when the rank lands in the +Inf bucket (Prometheus's convention), so p99 reads
# 250 ms, a lower bound that passes "<= 500ms": the default policy ALLOWs (exit 0) while _sum /
# _count in the same scrape say the mean latency is 30 s. The same holds through --prometheus
# (the PromQL histogram_quantile answers the same bound).
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
# DEFECT: remove this line once a quantile in the +Inf bucket is judged as "above the largest
# finite bound" (fails "<=" / "<" criteria at or above it, or is no data). Input: the two scrapes
# below, default policy, --metrics-file start.prom --metrics-file end.prom.
skip "defect: p99 in the +Inf bucket reads as the largest finite bound (ALLOW for 30 s requests)"

cat >"$TMP/start.prom" <<'PROM'
http_requests_total{code="200"} 0
http_request_duration_seconds_bucket{le="0.1"} 0
http_request_duration_seconds_bucket{le="0.25"} 0
http_request_duration_seconds_bucket{le="+Inf"} 0
http_request_duration_seconds_sum 0
http_request_duration_seconds_count 0
PROM
cat >"$TMP/end.prom" <<'PROM'
http_requests_total{code="200"} 1000
http_request_duration_seconds_bucket{le="0.1"} 0
http_request_duration_seconds_bucket{le="0.25"} 0
http_request_duration_seconds_bucket{le="+Inf"} 1000
http_request_duration_seconds_sum 30000
http_request_duration_seconds_count 1000
PROM

run slo-check --metrics-file "$TMP/start.prom" --metrics-file "$TMP/end.prom"
[ "$rc" != 0 ] || fail "every request beyond the largest bucket: exit 0 (ALLOW)"
expect_not_contains "$out" "p99 latency              pass" "p99 not passed on a lower bound"

finish
