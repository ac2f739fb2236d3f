#!/usr/bin/env bash
# Red team (slo-check, outside attacker who sets the pipeline's baseline input): the canary given
# as its own baseline. With the default policy's excuse_if_baseline_fails = true, a canary failing
# an absolute criterion is "not blamed" when the baseline fails it too, and nothing checks that the
# baseline is a different target: `--metrics-file c.prom --baseline-file c.prom` (and likewise
# `--canary-url U --baseline-url U`, `--canary-role R --baseline-role R`) turns a 50% error rate
# into ALLOW (exit 0, "excused 50% (baseline 50%, x1)").
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
# DEFECT: remove this line once slo-check refuses a baseline that is the canary (or never excuses
# against it). Input: the two scrapes below, default policy, --metrics-file X --baseline-file X.
skip "defect: a baseline identical to the canary excuses every failure (exit 0 for a 50% error rate)"

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

# The same file as its baseline, and a byte-identical copy: never an ALLOW.
for baseline in "$TMP/canary.prom" "$TMP/copy.prom"; do
  run slo-check --metrics-file "$TMP/canary.prom" --baseline-file "$baseline"
  [ "$rc" != 0 ] || fail "canary judged against itself ($baseline): exit 0 (ALLOW) for a 50% error rate"
  expect_not_contains "$out" "excused" "no excuse against itself ($baseline)"
done

finish
