#!/usr/bin/env bash
# slo-check records every measurement in the evidence file, with --env/--stage, and a later
# check compares against the last ALLOWed value ("<= +10%" relative_to = "last_allow"); the policy
# lets the first check pass without one (no_reference = "pass"; the default is INCONCLUSIVE).
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"

SUBJECT="ghcr.io/acme/api@sha256:$(printf 'b%.0s' $(seq 64))"
scrape() { # scrape FILE COUNT_UNDER_0.1 (of 100 requests in total)
  cat >"$1" <<EOF_SCRAPE
http_requests_total{status_code="200"} 100
http_request_duration_seconds_bucket{le="0.1"} $2
http_request_duration_seconds_bucket{le="0.2"} 100
http_request_duration_seconds_bucket{le="+Inf"} 100
EOF_SCRAPE
}
cat >"$TMP/policy.toml" <<'EOF_POLICY'
version = 1
[[objectives]]
name = "p50 latency"
metric = "p50_latency"
pass = ["<= 200ms", "<= +10%"]
relative_to = "last_allow"
no_reference = "pass"
key = true
EOF_POLICY
scrape "$TMP/fast.prom" 80     # p50 = 62.5 ms
scrape "$TMP/slower.prom" 40   # p50 = 116.7 ms: within 200 ms, but +87 % on the last ALLOW

run slo-check --metrics-file "$TMP/fast.prom" --policy "$TMP/policy.toml" --evidence "$TMP/ev.json" --subject "$SUBJECT" --env staging --stage 10
expect_rc 0 "first check (no earlier value: relative criterion skipped)"
expect_eq "$(jq -r '.records | length' "$TMP/ev.json")" "1" "one record"
expect_eq "$(jq -r '.records[0].step' "$TMP/ev.json")" "slo-check" "record step"
expect_eq "$(jq -r '.records[0].summary.objectives[0].value' "$TMP/ev.json")" "0.0625" "value recorded"
expect_eq "$(jq -r '.records[0].summary.objectives[0].measurements[0].note' "$TMP/ev.json")" "relative criterion skipped: no last ALLOW value" "skip noted"
expect_contains "$(jq -c '.records[0]' "$TMP/ev.json")" "staging" "env recorded"
expect_contains "$(jq -c '.records[0].inputs' "$TMP/ev.json")" "fast.prom" "input file recorded"
expect_eq "$(jq -r '.records[0].policy.sha256' "$TMP/ev.json")" "$(sha256sum "$TMP/policy.toml" | cut -d' ' -f1)" "policy hash recorded"

run slo-check --metrics-file "$TMP/slower.prom" --policy "$TMP/policy.toml" --evidence "$TMP/ev.json" --env staging --stage 10
expect_rc 1 "regression against the last ALLOW"
expect_contains "$out" "p50 latency 116.7 ms > 68.75 ms (last ALLOW +10%) (target, 1 of 1 measurement)" "relative reason"

# Another env has no ALLOW yet: the relative criterion is skipped there.
run slo-check --metrics-file "$TMP/slower.prom" --policy "$TMP/policy.toml" --evidence "$TMP/ev.json" --env prod
expect_rc 0 "other env"
expect_eq "$(jq -r '.records | length' "$TMP/ev.json")" "3" "three records"
expect_eq "$(jq -r '[.records[].decision] | join(",")' "$TMP/ev.json")" "ALLOW,DENY,ALLOW" "decisions recorded"

finish
