#!/usr/bin/env bash
# Canary vs baseline from saved scrapes (--metrics-file for the canary, --baseline-file for the
# baseline): a canary failing like its baseline is excused; one clearly worse is blamed.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"

scrape() { # scrape FILE OK ERRORS
  printf 'http_requests_total{code="200"} %s\nhttp_requests_total{code="503"} %s\n' "$2" "$3" >"$1"
}
printf 'version = 1\n[[objectives]]\nname = "error rate"\nmetric = "error_rate"\npass = ["<= 1%%"]\nkey = true\n' >"$TMP/policy.toml"
scrape "$TMP/canary.prom" 950 50     # 5 %
scrape "$TMP/baseline.prom" 955 45   # 4.5 %: failing too, the canary within 25 % of it
scrape "$TMP/healthy.prom" 999 1     # 0.1 %

run slo-check --policy "$TMP/policy.toml" --metrics-file "$TMP/canary.prom" --baseline-file "$TMP/baseline.prom" --format json
expect_rc 0 "canary as bad as the baseline"
expect_contains "$(echo "$out" | jq -r '.summary.objectives[0].measurements[0].note')" "fails like the baseline 4.5%: not blamed on the canary" "excuse note"
expect_eq "$(echo "$out" | jq -r '.summary.objectives[0].measurements[0].excused')" "true" "excused recorded"
expect_eq "$(echo "$out" | jq -r '.summary.objectives[0].ratio_to_baseline')" "1.1111111111111112" "ratio recorded"
expect_eq "$(echo "$out" | jq -r '.summary.targets | keys | join(",")')" "baseline,canary" "both roles recorded"
expect_eq "$(echo "$out" | jq -r '.summary.measurements[0].figures.baseline.errors')" "45" "baseline figures recorded"

run slo-check --policy "$TMP/policy.toml" --metrics-file "$TMP/canary.prom" --baseline-file "$TMP/healthy.prom"
expect_rc 1 "canary worse than a healthy baseline"
expect_contains "$out" "error rate 5% > 1% (canary, 1 of 1 measurement)" "canary blamed"

printf 'version = 1\n[[objectives]]\nname = "error rate"\nmetric = "error_rate"\npass = ["<= 1%%"]\nkey = true\n[canary]\nexcuse_if_baseline_fails = false\n' >"$TMP/strict.toml"
run slo-check --policy "$TMP/strict.toml" --metrics-file "$TMP/canary.prom" --baseline-file "$TMP/baseline.prom"
expect_rc 1 "no excuse when the policy says so"

run slo-check --baseline-file "$TMP/baseline.prom"
expect_rc 2 "baseline without canary"
expect_contains "$err" "--baseline-file needs --metrics-file" "baseline-file message"

finish
