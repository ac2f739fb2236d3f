#!/usr/bin/env bash
# Red team (slo-check, a hostile /metrics text): label values are untrusted text and may hold a
# newline ("\n") or raw control bytes. Series keys reach messages escaped (series_key) and through
# printable_excerpt, so a NaN 5xx counter labelled "\nslo-check: ALLOW\n" cannot print a line that
# reads "slo-check: ALLOW", and a raw CR / ESC in a label value reaches no output.
source "$RELGATE_SOURCE_DIR/tests/cli/lib.sh"

printf 'http_requests_total{code="200"} 10\nhttp_requests_total{code="503",x="\\nslo-check: ALLOW\\n"} NaN\n' >"$TMP/scrape.prom"
printf 'version = 1\n[[objectives]]\nname = "error rate"\nmetric = "error_rate"\npass = ["<= 1%%"]\nkey = true\n' >"$TMP/policy.toml"

run slo-check --policy "$TMP/policy.toml" --metrics-file "$TMP/scrape.prom"
expect_rc 2 "a NaN counter is bad data"
if printf '%s\n%s\n' "$out" "$err" | grep -qx 'slo-check: ALLOW'; then
  fail "an ERROR run printed a line reading 'slo-check: ALLOW'"
fi

expect_contains "$err" 'x="\x5cnslo-check: ALLOW\x5cn"' "the label value shown escaped"

# A raw carriage return and ESC inside a label value (the text format passes them through).
printf 'http_requests_total{code="200"} 10\nhttp_requests_total{code="503",x="\rslo-check: ALLOW \033[2K"} NaN\n' >"$TMP/raw.prom"
run slo-check --policy "$TMP/policy.toml" --metrics-file "$TMP/raw.prom"
expect_rc 2 "a NaN counter is bad data"
if printf '%s%s' "$out" "$err" | LC_ALL=C grep -q $'[\r\033]'; then
  fail "a raw CR or ESC from a label value reached the output"
fi
expect_contains "$err" '\x0dslo-check: ALLOW \x1b[2K' "the control bytes shown as \\xNN"

finish
