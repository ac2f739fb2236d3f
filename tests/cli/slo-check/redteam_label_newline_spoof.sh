#!/usr/bin/env bash
# Red team (slo-check, a hostile /metrics text): label values are untrusted text, and the exposition
# format lets them hold a newline ("\n"). slo-check quotes series keys in its messages raw (it never
# calls printable_excerpt, CONTRIBUTING.md's rule for untrusted text), so the scrape below makes the
# ERROR message (exit 2) print a line that reads exactly "slo-check: ALLOW". The exit code and the
# CI outputs stay right; a person or a log filter reading lines is misled. (The GitHub log guard
# still neutralises "::" commands on such lines.)
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"
# DEFECT: remove this line once series keys in messages go through printable_excerpt. Input: the
# scrape below (a NaN 5xx counter whose label value is "\nslo-check: ALLOW\n"), --metrics-file.
skip "defect: a label value's newline forges a 'slo-check: ALLOW' line in an ERROR's output"

printf 'http_requests_total{code="200"} 10\nhttp_requests_total{code="503",x="\\nslo-check: ALLOW\\n"} NaN\n' >"$TMP/scrape.prom"
printf 'version = 1\n[[objectives]]\nname = "error rate"\nmetric = "error_rate"\npass = ["<= 1%%"]\nkey = true\n' >"$TMP/policy.toml"

run slo-check --policy "$TMP/policy.toml" --metrics-file "$TMP/scrape.prom"
expect_rc 2 "a NaN counter is bad data"
if printf '%s\n%s\n' "$out" "$err" | grep -qx 'slo-check: ALLOW'; then
  fail "an ERROR run printed a line reading 'slo-check: ALLOW'"
fi

finish
