#!/usr/bin/env bash
# Red team (slo-check, outside attacker who sets the pipeline's baseline input): a policy judging
# the canary only relative to its baseline ("<= +10%", relative_to = "baseline") skips the
# criterion when the baseline has no value (docs/slo-check.md: "Without a reference the relative
# criterion is skipped", as Keptn does). Pointing the baseline at a scrape without traffic (here a
# file holding only "up 1") turns a 50% error rate into ALLOW (exit 0; the text output says "pass").
# The same goes for relative_to = "last_allow" with an --env that has no ALLOW yet.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
# DEFECT (documented behaviour, attacker-reachable): remove this line once a key objective whose
# every criterion was skipped for want of a reference is inconclusive, not passed. Input: the
# policy below, --metrics-file canary.prom --baseline-file empty.prom.
skip "defect: no baseline value skips the relative criterion (ALLOW for a 50% error rate)"

printf 'version = 1\n[[objectives]]\nname = "error rate"\nmetric = "error_rate"\npass = ["<= +10%%"]\nrelative_to = "baseline"\nkey = true\n' >"$TMP/policy.toml"
printf 'http_requests_total{code="200"} 500\nhttp_requests_total{code="503"} 500\n' >"$TMP/canary.prom"
printf 'http_requests_total{code="200"} 1000\n' >"$TMP/healthy.prom"
printf 'up 1\n' >"$TMP/empty.prom"

run slo-check --policy "$TMP/policy.toml" --metrics-file "$TMP/canary.prom" --baseline-file "$TMP/healthy.prom"
expect_rc 1 "50% against a healthy baseline is denied"

run slo-check --policy "$TMP/policy.toml" --metrics-file "$TMP/canary.prom" --baseline-file "$TMP/empty.prom"
[ "$rc" != 0 ] || fail "baseline without data: exit 0 (ALLOW) for a 50% error rate"

finish
