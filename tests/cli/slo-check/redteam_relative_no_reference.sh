#!/usr/bin/env bash
# Red team (slo-check, outside attacker who sets the pipeline's baseline input): a policy judging
# the canary only relative to its baseline ("<= +10%", relative_to = "baseline") skips the
# criterion when the baseline has no value (docs/slo-check.md: "Without a reference the relative
# criterion is skipped", as Keptn does). Pointing the baseline at a scrape without traffic (here a
# file holding only "up 1") turns a 50% error rate into ALLOW (exit 0; the text output says "pass").
# The same goes for relative_to = "last_allow" with an --env that has no ALLOW yet.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
# Fixed: a relative criterion without its reference is INCONCLUSIVE (exit 3) naming the reference,
# unless the objective says no_reference = "pass" (the old skip) or "deny".
printf 'version = 1\n[[objectives]]\nname = "error rate"\nmetric = "error_rate"\npass = ["<= +10%%"]\nrelative_to = "baseline"\nkey = true\n' >"$TMP/policy.toml"
printf 'http_requests_total{code="200"} 500\nhttp_requests_total{code="503"} 500\n' >"$TMP/canary.prom"
printf 'http_requests_total{code="200"} 1000\n' >"$TMP/healthy.prom"
printf 'up 1\n' >"$TMP/empty.prom"

run slo-check --policy "$TMP/policy.toml" --metrics-file "$TMP/canary.prom" --baseline-file "$TMP/healthy.prom"
expect_rc 1 "50% against a healthy baseline is denied"

run slo-check --policy "$TMP/policy.toml" --metrics-file "$TMP/canary.prom" --baseline-file "$TMP/empty.prom"
[ "$rc" != 0 ] || fail "baseline without data: exit 0 (ALLOW) for a 50% error rate"
expect_rc 3 "baseline without data: inconclusive"
expect_contains "$out" 'no baseline value for the relative criterion "<= +10%"' "the missing reference named"

# The policy may choose explicitly: deny, or Keptn's skip.
sed 's/^key = true$/key = true\nno_reference = "deny"/' "$TMP/policy.toml" >"$TMP/deny.toml"
run slo-check --policy "$TMP/deny.toml" --metrics-file "$TMP/canary.prom" --baseline-file "$TMP/empty.prom"
expect_rc 1 "no_reference = deny"
sed 's/^key = true$/key = true\nno_reference = "pass"/' "$TMP/policy.toml" >"$TMP/skip.toml"
run slo-check --policy "$TMP/skip.toml" --metrics-file "$TMP/canary.prom" --baseline-file "$TMP/empty.prom"
expect_rc 0 "no_reference = pass skips the criterion, as the policy says"

# relative_to = "last_allow" with no ALLOW recorded for the --env yet: inconclusive too.
sed 's/relative_to = "baseline"/relative_to = "last_allow"/' "$TMP/policy.toml" >"$TMP/last.toml"
run slo-check --policy "$TMP/last.toml" --metrics-file "$TMP/canary.prom" --evidence "$TMP/ev.json" \
  --subject "ghcr.io/acme/api@sha256:$(printf 'c%.0s' $(seq 64))" --env prod
expect_rc 3 "no last ALLOW: inconclusive"
expect_contains "$out" 'no last ALLOW value for the relative criterion "<= +10%"' "the missing last ALLOW named"

finish
