#!/usr/bin/env bash
# Red team (slo-check, outside attacker who sets the pipeline's baseline input): the canary given
# as its own baseline. With the default policy's excuse_if_baseline_fails = true, a canary failing
# an absolute criterion is "not blamed" when the baseline fails it too, and nothing checks that the
# baseline is a different target: `--metrics-file c.prom --baseline-file c.prom` (and likewise
# `--canary-url U --baseline-url U`, `--canary-role R --baseline-role R`) turns a 50% error rate
# into ALLOW (exit 0, "excused 50% (baseline 50%, x1)").
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
# Fixed: a baseline that is the canary (same file, same bytes, same URL, same role) is exit 2.
cat >"$TMP/canary.prom" <<'PROM'
http_requests_total{code="200"} 500
http_requests_total{code="503"} 500
http_request_duration_seconds_bucket{le="0.1"} 1000
http_request_duration_seconds_bucket{le="+Inf"} 1000
http_request_duration_seconds_sum 10
http_request_duration_seconds_count 1000
PROM
cp "$TMP/canary.prom" "$TMP/copy.prom"

# Healthy reference: alone, the canary is denied.
run slo-check --metrics-file "$TMP/canary.prom"
expect_rc 1 "canary alone is denied"

# The same file as its baseline, and a byte-identical copy: refused, never judged.
for baseline in "$TMP/canary.prom" "$TMP/copy.prom"; do
  run slo-check --metrics-file "$TMP/canary.prom" --baseline-file "$baseline"
  expect_rc 2 "canary as its own baseline refused ($baseline)"
  expect_contains "$err" "the canary cannot be its own baseline" "why ($baseline)"
  expect_not_contains "$out" "excused" "no excuse against itself ($baseline)"
done
expect_contains "$err" "has the same bytes as the canary's --metrics-file" "the copy is named as such"

# The same endpoint (trailing slash and case aside) and the same Prometheus role: refused before
# any request (nothing listens on port 1).
run slo-check --canary-url http://127.0.0.1:1/metrics --baseline-url HTTP://127.0.0.1:1/metrics/ --attempts 1
expect_rc 2 "same URL refused"
expect_contains "$err" "--baseline-url is the --canary-url" "same URL named"
run slo-check --prometheus http://127.0.0.1:1 --canary-role canary --baseline-role canary --attempts 1
expect_rc 2 "same role refused"
expect_contains "$err" "--baseline-role canary is the --canary-role" "same role named"

# A different baseline is still compared (the healthy case).
printf 'http_requests_total{code="200"} 999\nhttp_requests_total{code="503"} 1\n' >"$TMP/healthy.prom"
run slo-check --metrics-file "$TMP/canary.prom" --baseline-file "$TMP/healthy.prom"
expect_rc 1 "a real baseline still compared"

finish
