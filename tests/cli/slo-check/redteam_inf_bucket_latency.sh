#!/usr/bin/env bash
# Red team (slo-check, a release that changes its histogram buckets): every request takes 30 s,
# but the histogram's largest finite bucket is 0.25 s. When the quantile's rank lands in the +Inf
# bucket, histogram_quantile answers the highest finite bound (Prometheus's convention), only a lower
# bound: p99 "250 ms" used to pass "<= 500ms" (ALLOW). Now an upper limit at or above that bound
# cannot pass on it (INCONCLUSIVE, exit 3, naming the bound and asking for buckets up to the limit),
# and a limit below it fails (DENY). Through --prometheus the PromQL answer carries no such mark.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
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
expect_rc 3 "a limit at or above the highest finite bound: inconclusive"
expect_contains "$out" 'at least 250 ms (the quantile falls in the histogram'"'"'s +Inf bucket, above its highest finite bound), so "<= 500ms" cannot be shown; add buckets up to 500 ms or more' \
  "the reason names the bound and the fix"
expect_contains "$out" "p99 latency              inconclusive >= 250 ms" "the table shows a lower bound"
run slo-check --metrics-file "$TMP/start.prom" --metrics-file "$TMP/end.prom" --format json
expect_contains "$out" '"lower_bound": true' "the record marks the lower bound"
expect_not_contains "$out" '"latency_p99_seconds"' "no headline p99 from a lower bound"

# A limit exactly at the bound cannot pass either; one below it fails.
for limit_rc in "250ms 3" "200ms 1"; do
  set -- $limit_rc
  printf 'version = 1\n[[objectives]]\nname = "p99 latency"\nmetric = "p99_latency"\npass = ["<= %s"]\nkey = true\n' "$1" \
    >"$TMP/policy.toml"
  run slo-check --policy "$TMP/policy.toml" --metrics-file "$TMP/start.prom" --metrics-file "$TMP/end.prom"
  expect_rc "$2" "p99 at least 250 ms against <= $1"
done
expect_contains "$out" "p99 latency 250 ms > 200 ms" "the DENY names the bound"

finish
